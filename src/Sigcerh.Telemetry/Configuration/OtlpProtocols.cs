using OpenTelemetry.Exporter;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>Maps the specification's protocol names to the exporter's.</summary>
internal static class OtlpProtocols
{
    public static OtlpExportProtocol? TryParse(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "GRPC" => OtlpExportProtocol.Grpc,
        "HTTP/PROTOBUF" => OtlpExportProtocol.HttpProtobuf,
        _ => null,
    };
}
