using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry;
using Sigcerh.Telemetry.Hosting;
using Sigcerh.Telemetry.Logging;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Places the SIGCERH request-logging middleware explicitly, for apps with <c>UseStartupFilter=false</c>.</summary>
public static class SigcerhRequestLoggingApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the middleware that writes one completion event per request
    /// (<c>HTTP {RequestMethod} {RequestRoute} responded {StatusCode} in {Elapsed} ms</c>) at this point of the pipeline.
    /// Call it once, early (before <c>UseExceptionHandler</c> to log the status the client got, after it to log the
    /// exception itself). With the startup filter on, the filter then adds no second one. <c>Logging:RequestLogging=false</c>
    /// still turns the request log off. Needs <c>AddSigcerhTelemetry()</c>.
    /// </summary>
    /// <param name="app">The application builder, usually the <c>WebApplication</c>.</param>
    /// <returns>The same application builder.</returns>
    public static IApplicationBuilder UseSigcerhRequestLogging(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        var placement = services.GetService<MiddlewarePlacement>()
            ?? throw new InvalidOperationException("UseSigcerhRequestLogging() needs AddSigcerhTelemetry() on the service collection.");
        placement.RequestLoggingPlaced = true;

        var options = services.GetRequiredService<IOptions<SigcerhTelemetryOptions>>().Value;
        return options.Logging.RequestLogging ? RequestLogging.UseSigcerhRequestLogging(app, options) : app;
    }
}
