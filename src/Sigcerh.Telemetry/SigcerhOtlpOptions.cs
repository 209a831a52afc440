namespace Sigcerh.Telemetry;

/// <summary>
/// OTLP export settings (<c>SigcerhTelemetry:Otlp</c>), read by the OpenTelemetry SDK's own options under the names of the
/// standard variables. Those variables (<c>OTEL_EXPORTER_OTLP_*</c>, signal-specific ones included, <c>OTEL_BSP_*</c>,
/// <c>OTEL_BLRP_*</c>, <c>OTEL_METRIC_EXPORT_*</c>) override the section; values set in code override both.
/// </summary>
public sealed class SigcerhOtlpOptions
{
    /// <summary>The collector's base endpoint, for example <c>http://otel-collector:4317</c>. Empty: nothing is exported.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>Grpc</c> (default) or <c>HttpProtobuf</c>. With HttpProtobuf the signal paths are appended.</summary>
    public SigcerhOtlpProtocol Protocol { get; set; } = SigcerhOtlpProtocol.Grpc;

    /// <summary>Extra headers as <c>key=value,key2=value2</c>, for example an ingest token.</summary>
    public string? Headers { get; set; }

    /// <summary>Timeout of one export call, in seconds (<c>OTEL_EXPORTER_OTLP_TIMEOUT</c> sets it in milliseconds).</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Spans and log records held per signal while the collector is slow or down; beyond it items are dropped and counted.</summary>
    public int QueueSize { get; set; } = 8192;

    /// <summary>Items sent in one export call.</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>Longest wait, in milliseconds, before queued spans and logs are sent.</summary>
    public int ExportDelayMilliseconds { get; set; } = 1000;
}
