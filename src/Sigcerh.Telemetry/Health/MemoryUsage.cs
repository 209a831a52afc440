namespace Sigcerh.Telemetry.Health;

/// <summary>Memory in use against the limit that applies: the container's cgroup limit when there is one, else the host.</summary>
internal readonly record struct MemoryUsage(long UsedBytes, long LimitBytes, string Source)
{
    public double UsedPercent => LimitBytes <= 0 ? 0 : 100.0 * UsedBytes / LimitBytes;
}
