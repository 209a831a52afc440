using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sigcerh.Telemetry.Health;

/// <summary>One check's outcome as cached and reported. Never holds exception text: that goes to the log only.</summary>
internal sealed record CheckResult(
    string Name,
    HealthStatus Status,
    string Description,
    IReadOnlyDictionary<string, object> Data,
    TimeSpan Duration,
    DateTimeOffset CheckedAt,
    string? TraceId)
{
    public static readonly IReadOnlyDictionary<string, object> NoData = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>The metric value: 1 healthy, 0.5 degraded, 0 unhealthy.</summary>
    public double MetricValue => Status switch
    {
        HealthStatus.Healthy => 1,
        HealthStatus.Degraded => 0.5,
        _ => 0,
    };
}
