using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Health;

/// <summary>Degraded when the log folder cannot be written: logs then reach stdout (and OTLP) only.</summary>
internal sealed class LogFileHealthCheck(LogFileStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!status.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("File logging is off"));
        }

        if (status.Recheck())
        {
            return Task.FromResult(HealthCheckResult.Healthy("The log folder is writable"));
        }

        // The reason names the folder, so it goes to the log through the exception, not to the body.
        return Task.FromResult(HealthCheckResult.Degraded(
            "The log folder cannot be written; logs go to stdout only",
            new IOException(status.Error)));
    }
}
