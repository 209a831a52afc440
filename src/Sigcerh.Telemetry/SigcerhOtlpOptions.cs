namespace Sigcerh.Telemetry;

/// <summary>
/// OTLP export settings (<c>SigcerhTelemetry:Otlp</c>). The standard <c>OTEL_EXPORTER_OTLP_*</c> variables override the section.
/// </summary>
public sealed class SigcerhOtlpOptions
{
    /// <summary>The collector's base endpoint, for example <c>http://otel-collector:4317</c>. Empty: nothing is exported.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>. With http/protobuf the signal paths are appended.</summary>
    public string Protocol { get; set; } = "grpc";

    /// <summary>Extra headers as <c>key=value,key2=value2</c>, for example an ingest token.</summary>
    public string? Headers { get; set; }

    /// <summary>Timeout of one export call, in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Items held per signal while the collector is slow or down; beyond it items are dropped and counted.</summary>
    public int QueueSize { get; set; } = 8192;

    /// <summary>Items sent in one export call.</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>Longest wait, in milliseconds, before queued spans and logs are sent.</summary>
    public int ExportDelayMilliseconds { get; set; } = 1000;
}
