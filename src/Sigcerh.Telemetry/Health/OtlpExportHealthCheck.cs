using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Export;

namespace Sigcerh.Telemetry.Health;

/// <summary>Degraded while telemetry was dropped recently (collector unreachable or queue full).</summary>
internal sealed class OtlpExportHealthCheck(OtlpTarget target, TelemetryDropCounter drops, TimeProvider time, IOptions<SigcerhTelemetryOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!target.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("OTLP export is off"));
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["droppedTotal"] = drops.Total };
        var window = TimeSpan.FromSeconds(options.Value.Health.TelemetryDropWindowSeconds);
        if (drops.LastDropAt is { } last && time.GetUtcNow() - last < window)
        {
            var ago = (int)(time.GetUtcNow() - last).TotalSeconds;
            return Task.FromResult(HealthCheckResult.Degraded(
                string.Create(CultureInfo.InvariantCulture, $"Telemetry was dropped {ago} s ago; is the collector reachable?"),
                data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy("No telemetry dropped recently", data));
    }
}
