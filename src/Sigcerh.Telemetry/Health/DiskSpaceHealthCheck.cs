using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Health;

/// <summary>The fullest of the watched volumes (log folder, content root, extra paths) decides the status.</summary>
internal sealed class DiskSpaceHealthCheck(IDiskSpaceProbe probe, IOptions<SigcerhTelemetryOptions> options, IHostEnvironment environment) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var h = o.Health;
        string? worstLabel = null;
        DiskUsage worst = default;
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (label, path) in Volumes(o))
        {
            var usage = probe.Measure(path);
            data[label + "UsedPercent"] = Thresholds.Round(usage.UsedPercent);
            if (worstLabel is null || usage.UsedPercent > worst.UsedPercent)
            {
                worstLabel = label;
                worst = usage;
            }
        }

        if (worstLabel is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No volume to watch", data));
        }

        data["usedPercent"] = Thresholds.Round(worst.UsedPercent);
        data["freeBytes"] = worst.AvailableBytes;
        var status = Thresholds.Classify(worst.UsedPercent, h.DiskDegradedPercent, h.DiskUnhealthyPercent);
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"Fullest volume ({worstLabel}) is {Thresholds.Round(worst.UsedPercent)}% used; degraded at {h.DiskDegradedPercent}%, unhealthy at {h.DiskUnhealthyPercent}%");
        return Task.FromResult(new HealthCheckResult(status, description, data: data));
    }

    // Labels, never paths: host paths stay out of the body.
    private IEnumerable<(string Label, string Path)> Volumes(SigcerhTelemetryOptions o)
    {
        if (o.Logging.File)
        {
            yield return ("logs", Path.GetFullPath(o.Logging.Directory, environment.ContentRootPath));
        }

        yield return ("contentRoot", environment.ContentRootPath);
        foreach (var (label, path) in o.Health.DiskPaths)
        {
            yield return (label, Path.GetFullPath(path, environment.ContentRootPath));
        }
    }
}
