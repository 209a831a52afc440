using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sigcerh.Backend.Storage;

/// <summary>
/// Stands in for the package's PostgreSQL check when the backend runs on its in-memory store, so <c>/api/health</c>
/// says plainly that no database is configured instead of leaving the check out.
/// </summary>
public sealed class DatabaseNotConfiguredHealthCheck : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy(
            "not configured: ConnectionStrings:Sigcerh is empty, the backend uses its in-memory store",
            new Dictionary<string, object> { ["configured"] = false, ["store"] = "memory" }));
}
