using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Health;

/// <summary>
/// Degraded while the file sink's last write failed (full volume, read-only or missing folder): those lines are counted
/// in <c>sigcerh.telemetry.dropped{sink=file}</c> and reach stdout (and OTLP) only. Healthy again with the first line
/// the sink writes after the fault, since it reopens the file by itself.
/// </summary>
internal sealed class LogFileHealthCheck(LogFileStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!status.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("File logging is off"));
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["linesWritten"] = status.Written,
            ["linesDropped"] = status.FailedLines,
        };
        if (status.IsWritable)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Log lines are being written to the file", data));
        }

        // The reason names the folder, so it goes to the log through the exception, not to the body.
        return Task.FromResult(HealthCheckResult.Degraded(
            "Log lines cannot be written to the file; they go to stdout only and are counted as dropped",
            new IOException(status.Error),
            data));
    }
}
