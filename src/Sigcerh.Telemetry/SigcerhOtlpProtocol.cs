namespace Sigcerh.Telemetry;

/// <summary>The OTLP transport (<c>SigcerhTelemetry:Otlp:Protocol</c>); <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> spells them <c>grpc</c> and <c>http/protobuf</c>.</summary>
public enum SigcerhOtlpProtocol
{
    /// <summary>OTLP over gRPC, usually port 4317.</summary>
    Grpc,

    /// <summary>OTLP over HTTP with protobuf bodies, usually port 4318; the signal paths (<c>/v1/traces</c>...) are appended to the base endpoint.</summary>
    HttpProtobuf,
}
