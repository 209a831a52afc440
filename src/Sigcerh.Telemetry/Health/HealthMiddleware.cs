using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Sigcerh.Telemetry.Health;

/// <summary>Serves the health endpoints from the startup filter, ahead of the app's own middleware.</summary>
internal static class HealthMiddleware
{
    public static IApplicationBuilder UseSigcerhHealthMiddleware(this IApplicationBuilder app, SigcerhTelemetryOptions options)
    {
        var services = app.ApplicationServices;
        var registry = services.GetRequiredService<HealthEndpointRegistry>();
        var basePath = new PathString(options.Health.BasePath);
        return app.Use(next => context =>
        {
            // An explicit MapSigcerhHealth() owns the paths; answering here too would bypass its conventions.
            if (registry.MappedExplicitly
                || !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                || Match(context.Request.Path, basePath) is not { } scope)
            {
                return next(context);
            }

            return services.GetRequiredService<HealthResponder>().HandleAsync(context, scope);
        });
    }

    internal static HealthScope? Match(PathString path, PathString basePath)
    {
        if (!path.StartsWithSegments(basePath, StringComparison.OrdinalIgnoreCase, out var rest))
        {
            return null;
        }

        var tail = rest.Value?.TrimEnd('/') ?? string.Empty;
        return tail.ToUpperInvariant() switch
        {
            "" => HealthScope.All,
            "/LIVE" => HealthScope.Live,
            "/READY" => HealthScope.Ready,
            _ => null,
        };
    }
}
