namespace Sigcerh.Telemetry.Health;

/// <summary>Size and use of one filesystem, as <c>df</c> counts it (reserved blocks are neither used nor available).</summary>
internal readonly record struct DiskUsage(long UsedBytes, long AvailableBytes)
{
    public double UsedPercent => UsedBytes + AvailableBytes <= 0 ? 0 : 100.0 * UsedBytes / (UsedBytes + AvailableBytes);
}
