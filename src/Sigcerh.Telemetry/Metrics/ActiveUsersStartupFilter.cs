using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Metrics;

/// <summary>
/// Feeds <see cref="SigcerhMetrics.UserSeen"/> from every request. It reads the user after the rest of the pipeline
/// ran, because authentication sets <c>HttpContext.User</c> further in.
/// </summary>
internal sealed class ActiveUsersStartupFilter(IOptions<SigcerhTelemetryOptions> options) : IStartupFilter
{
    private static readonly string[] DefaultClaims = [ClaimTypes.NameIdentifier, "sub"];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var o = options.Value.Metrics;
        if (o.Enabled && o.ActiveUsers.TrackRequests)
        {
            var metrics = app.ApplicationServices.GetRequiredService<SigcerhMetrics>();
            var selector = o.ActiveUsers.UserIdSelector;
            var claims = o.ActiveUsers.ClaimTypes.Count > 0 ? [.. o.ActiveUsers.ClaimTypes] : DefaultClaims;
            app.Use(async (ctx, nextMiddleware) =>
            {
                try
                {
                    await nextMiddleware(ctx).ConfigureAwait(false);
                }
                finally
                {
                    Record(ctx, metrics, selector, claims);
                }
            });
        }

        next(app);
    };

    internal static string? UserId(HttpContext ctx, Func<HttpContext, string?>? selector, string[] claims)
    {
        if (selector is not null)
        {
            return selector(ctx);
        }

        // Read through the feature: HttpContext.User creates an empty principal on every anonymous request.
        var user = ctx.Features.Get<IHttpAuthenticationFeature>()?.User;
        if (user?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        foreach (var type in claims)
        {
            if (user.FindFirst(type)?.Value is { Length: > 0 } id)
            {
                return id;
            }
        }

        return null;
    }

    private static void Record(HttpContext ctx, SigcerhMetrics metrics, Func<HttpContext, string?>? selector, string[] claims)
    {
        try
        {
            if (UserId(ctx, selector, claims) is { } id)
            {
                metrics.UserSeen(id);
            }
        }
#pragma warning disable CA1031 // A faulty user hook must not fail the request or hide its own exception.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
