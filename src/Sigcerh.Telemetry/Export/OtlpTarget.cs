using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using Sigcerh.Telemetry.Configuration;

namespace Sigcerh.Telemetry.Export;

/// <summary>Where and how the three signals are exported, resolved once from the validated options.</summary>
internal sealed class OtlpTarget
{
    public OtlpTarget(IOptions<SigcerhTelemetryOptions> options)
    {
        var o = options.Value.Otlp;
        Protocol = OtlpProtocols.TryParse(o.Protocol) ?? OtlpExportProtocol.Grpc;
        Headers = o.Headers;
        Timeout = TimeSpan.FromSeconds(o.TimeoutSeconds);
        QueueSize = o.QueueSize;
        BatchSize = Math.Min(o.BatchSize, o.QueueSize);
        ExportDelay = TimeSpan.FromMilliseconds(o.ExportDelayMilliseconds);
        Endpoint = string.IsNullOrWhiteSpace(o.Endpoint) ? null : new Uri(o.Endpoint, UriKind.Absolute);
    }

    /// <summary>Null when no endpoint is configured: nothing is exported.</summary>
    public Uri? Endpoint { get; }

    public bool Enabled => Endpoint is not null;

    public OtlpExportProtocol Protocol { get; }

    public string? Headers { get; }

    public TimeSpan Timeout { get; }

    public int QueueSize { get; }

    public int BatchSize { get; }

    public TimeSpan ExportDelay { get; }

    /// <summary>
    /// gRPC uses the base endpoint; http/protobuf needs the signal path, because an endpoint set in code is used verbatim.
    /// </summary>
    public Uri SignalEndpoint(string signalPath)
    {
        var baseUri = Endpoint ?? throw new InvalidOperationException("OTLP export is not configured.");
        if (Protocol == OtlpExportProtocol.Grpc)
        {
            return baseUri;
        }

        var text = baseUri.ToString().TrimEnd('/');
        return text.EndsWith(signalPath, StringComparison.Ordinal) ? baseUri : new Uri(text + signalPath);
    }

    public OtlpExporterOptions ExporterOptions(string signalPath) => new()
    {
        Endpoint = SignalEndpoint(signalPath),
        Protocol = Protocol,
        Headers = Headers,
        TimeoutMilliseconds = (int)Timeout.TotalMilliseconds,
    };

    public Dictionary<string, string> HeaderDictionary() =>
        OtelVariables.ParseKeyValueList(Headers).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
}
