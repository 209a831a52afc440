using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;
using Sigcerh.Telemetry.Tracing;

namespace Sigcerh.Telemetry.Logging;

/// <summary>One completion event per request: method, route template, status and elapsed ms.</summary>
internal static class RequestLogging
{
    /// <remarks>Elapsed is rounded to 0.1 µs when the event is built, so the template needs no format and no rendering.</remarks>
    public const string MessageTemplate = "HTTP {RequestMethod} {RequestRoute} responded {StatusCode} in {Elapsed} ms";

    public static IApplicationBuilder UseSigcerhRequestLogging(this IApplicationBuilder app, SigcerhTelemetryOptions options)
    {
        var services = app.ApplicationServices;
        return app.Use(next => new RequestLoggingMiddleware(
            next,
            services.GetRequiredService<SigcerhLogPipeline>().Logger,
            new RequestPathFilter(options)).InvokeAsync);
    }

    internal static LogEventLevel Level(HttpContext ctx, Exception? ex, RequestPathFilter paths)
    {
        var status = ctx.Response.StatusCode;
        if (ex is not null || status >= 500)
        {
            return LogEventLevel.Error;
        }

        if (status >= 400)
        {
            return LogEventLevel.Warning;
        }

        // Probes every few seconds would drown the log.
        return paths.IsHealth(ctx.Request.Path) ? LogEventLevel.Verbose : LogEventLevel.Information;
    }
}
