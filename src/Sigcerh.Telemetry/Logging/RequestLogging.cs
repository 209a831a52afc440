using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;
using Sigcerh.Telemetry.Tracing;

namespace Sigcerh.Telemetry.Logging;

/// <summary>One completion event per request: method, route template, status and elapsed ms.</summary>
internal static class RequestLogging
{
    public const string MessageTemplate = "HTTP {RequestMethod} {RequestRoute} responded {StatusCode} in {Elapsed:0.0000} ms";

    public static IApplicationBuilder UseSigcerhRequestLogging(this IApplicationBuilder app, SigcerhTelemetryOptions options)
    {
        var pipeline = app.ApplicationServices.GetRequiredService<SigcerhLogPipeline>();
        var paths = new RequestPathFilter(options);
        return app.UseSerilogRequestLogging(o =>
        {
            o.Logger = pipeline.Logger;
            o.MessageTemplate = MessageTemplate;
            o.GetLevel = (ctx, _, ex) => Level(ctx, ex, paths);
            o.EnrichDiagnosticContext = (diag, ctx) =>
                diag.Set("RequestRoute", ctx.GetEndpoint() is RouteEndpoint e ? e.RoutePattern.RawText ?? "/" : "(no route)");
        });
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
