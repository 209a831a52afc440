using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Health;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Hosting;

/// <summary>Puts request logging and the health endpoints first in the pipeline, so Program.cs needs no extra call.</summary>
internal sealed class SigcerhStartupFilter(IOptions<SigcerhTelemetryOptions> options, MiddlewarePlacement placement) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var o = options.Value;
        if (o.UseStartupFilter)
        {
            // An explicit UseSigcerhRequestLogging() owns the position; a second middleware would log each request twice.
            if (o.Logging.RequestLogging && !placement.RequestLoggingPlaced)
            {
                app.UseSigcerhRequestLogging(o);
            }

            if (o.Health.Enabled)
            {
                app.UseSigcerhHealthMiddleware(o);
            }
        }

        next(app);
    };
}
