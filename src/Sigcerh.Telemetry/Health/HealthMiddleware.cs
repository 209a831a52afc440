using Microsoft.AspNetCore.Builder;

namespace Sigcerh.Telemetry.Health;

/// <summary>Serves the health endpoints from the startup filter.</summary>
internal static class HealthMiddleware
{
    public static IApplicationBuilder UseSigcerhHealthMiddleware(this IApplicationBuilder app, SigcerhTelemetryOptions options) =>
        app.UseHealthChecks(options.Health.BasePath);
}
