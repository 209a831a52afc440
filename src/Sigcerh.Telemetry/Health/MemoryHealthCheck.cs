using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Health;

/// <summary>Memory in use against the container limit (or the host); the ops plan warns at 85% and pages at 95%.</summary>
internal sealed class MemoryHealthCheck(IMemoryProbe probe, IOptions<SigcerhTelemetryOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var h = options.Value.Health;
        var usage = probe.Measure();
        var status = Thresholds.Classify(usage.UsedPercent, h.MemoryDegradedPercent, h.MemoryUnhealthyPercent);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["usedPercent"] = Thresholds.Round(usage.UsedPercent),
            ["usedBytes"] = usage.UsedBytes,
            ["limitBytes"] = usage.LimitBytes,
            ["source"] = usage.Source,
        };
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"{Thresholds.Round(usage.UsedPercent)}% of the {usage.Source} memory in use; degraded at {h.MemoryDegradedPercent}%, unhealthy at {h.MemoryUnhealthyPercent}%");
        return Task.FromResult(new HealthCheckResult(status, description, data: data));
    }
}
