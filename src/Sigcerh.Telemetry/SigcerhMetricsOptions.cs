namespace Sigcerh.Telemetry;

/// <summary>Settings of metrics (<c>SigcerhTelemetry:Metrics</c>).</summary>
public sealed class SigcerhMetricsOptions
{
    /// <summary>Collects metrics.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between two OTLP metric exports.</summary>
    public int ExportIntervalSeconds { get; set; } = 15;

    /// <summary>The service's own <c>Meter</c> names to collect (wildcards allowed).</summary>
    public List<string> Meters { get; } = [];
}
