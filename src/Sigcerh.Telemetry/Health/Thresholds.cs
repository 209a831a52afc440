using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sigcerh.Telemetry.Health;

/// <summary>Maps a percentage to a status; each threshold is inclusive ("Degraded at 80%").</summary>
internal static class Thresholds
{
    public static HealthStatus Classify(double percent, double degradedAt, double unhealthyAt) =>
        percent >= unhealthyAt ? HealthStatus.Unhealthy
        : percent >= degradedAt ? HealthStatus.Degraded
        : HealthStatus.Healthy;

    public static double Round(double value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
