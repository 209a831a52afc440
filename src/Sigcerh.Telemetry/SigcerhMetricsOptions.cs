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

    /// <summary>
    /// The values each business attribute may take (<c>sigcerh.application.type</c>, <c>sigcerh.certificate.type</c>,
    /// <c>sigcerh.payment.method</c>). A configured list replaces the built-in one for that attribute; any other value
    /// is recorded as <c>other</c>, so no caller can explode the number of series.
    /// </summary>
    public Dictionary<string, List<string>> AllowedValues { get; } = new(StringComparer.Ordinal);

    /// <summary>The active-users gauge (<c>sigcerh.users.active</c>).</summary>
    public SigcerhActiveUsersOptions ActiveUsers { get; } = new();
}
