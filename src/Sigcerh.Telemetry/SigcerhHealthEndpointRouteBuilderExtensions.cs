using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry;
using Sigcerh.Telemetry.Health;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the SIGCERH health endpoints explicitly, for apps that want routing conventions on them.</summary>
public static class SigcerhHealthEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>{base}</c>, <c>{base}/live</c> and <c>{base}/ready</c> (GET and HEAD) under <c>SigcerhTelemetry:Health:BasePath</c>.
    /// The startup-filter middleware then stops answering those paths, so conventions added here (host filters,
    /// authorization, rate limits) are not bypassed. Needs <c>AddSigcerhTelemetry()</c>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder, usually the <c>WebApplication</c>.</param>
    /// <returns>A builder for conventions that apply to all three endpoints.</returns>
    public static IEndpointConventionBuilder MapSigcerhHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var registry = services.GetService<HealthEndpointRegistry>()
            ?? throw new InvalidOperationException("MapSigcerhHealth() needs AddSigcerhTelemetry() on the service collection.");
        registry.MappedExplicitly = true;

        var basePath = services.GetRequiredService<IOptions<SigcerhTelemetryOptions>>().Value.Health.BasePath;
        var group = endpoints.MapGroup(basePath);
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        Map(group, string.Empty, methods, HealthScope.All);
        Map(group, "/live", methods, HealthScope.Live);
        Map(group, "/ready", methods, HealthScope.Ready);
        return group;
    }

    private static void Map(RouteGroupBuilder group, string pattern, string[] methods, HealthScope scope) =>
        group.MapMethods(pattern, methods, (RequestDelegate)(context =>
                context.RequestServices.GetRequiredService<HealthResponder>().HandleAsync(context, scope)))
            .WithDisplayName("SIGCERH health " + scope.ToString().ToLowerInvariant())
            .WithMetadata(new ExcludeFromDescriptionAttribute());
}
