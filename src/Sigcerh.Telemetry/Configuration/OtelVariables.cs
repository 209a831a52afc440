namespace Sigcerh.Telemetry.Configuration;

/// <summary>The standard OpenTelemetry variables the package reads through <c>IConfiguration</c>, and their kinds.</summary>
internal static class OtelVariables
{
    public const string ServiceName = "OTEL_SERVICE_NAME";
    public const string ResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
    public const string SdkDisabled = "OTEL_SDK_DISABLED";
    public const string TracesSampler = "OTEL_TRACES_SAMPLER";
    public const string TracesSamplerArg = "OTEL_TRACES_SAMPLER_ARG";
    public const string ExporterEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ExporterProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string ExporterHeaders = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string ExporterTimeout = "OTEL_EXPORTER_OTLP_TIMEOUT";
    public const string ExporterCompression = "OTEL_EXPORTER_OTLP_COMPRESSION";
    public const string Certificate = "OTEL_EXPORTER_OTLP_CERTIFICATE";
    public const string ClientCertificate = "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE";
    public const string ClientKey = "OTEL_EXPORTER_OTLP_CLIENT_KEY";
    public const string MetricExportInterval = "OTEL_METRIC_EXPORT_INTERVAL";
    public const string MetricExportTimeout = "OTEL_METRIC_EXPORT_TIMEOUT";

    public static readonly string[] Protocols = ["grpc", "http/protobuf"];
    public static readonly string[] Compressions = ["none", "gzip"];
    public static readonly string[] Samplers =
        ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"];

    /// <summary>Every variable the package reads, each once.</summary>
    public static readonly IReadOnlyList<OtelVariable> All = Build();

    /// <summary><c>OTEL_EXPORTER_OTLP_{SIGNAL}_{SUFFIX}</c>, or the signal-less name for <see langword="null"/>.</summary>
    public static string Exporter(OtlpSignal? signal, string suffix) =>
        signal is { } s ? $"OTEL_EXPORTER_OTLP_{s.ToString().ToUpperInvariant()}_{suffix}" : $"OTEL_EXPORTER_OTLP_{suffix}";

    /// <summary><c>OTEL_BSP_*</c> for spans, <c>OTEL_BLRP_*</c> for logs.</summary>
    public static string Batch(OtlpSignal signal, string suffix) => (signal == OtlpSignal.Logs ? "OTEL_BLRP_" : "OTEL_BSP_") + suffix;

    /// <summary>Parses the W3C-baggage-like <c>key=value,key2=value2</c> lists with percent-decoding, per the specification.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ParseKeyValueList(string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            yield break;
        }

        foreach (var pair in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var key = Uri.UnescapeDataString(pair[..eq].Trim());
            var value = Uri.UnescapeDataString(pair[(eq + 1)..].Trim());
            if (key.Length > 0)
            {
                yield return new(key, value);
            }
        }
    }

    private static List<OtelVariable> Build()
    {
        var all = new List<OtelVariable>
        {
            new(ServiceName, OtelKind.Text),
            new(ResourceAttributes, OtelKind.KeyValueList),
            new(SdkDisabled, OtelKind.Boolean),
            new(TracesSampler, OtelKind.Choice, Samplers),
            new(TracesSamplerArg, OtelKind.Ratio),
        };

        foreach (var signal in new OtlpSignal?[] { null, OtlpSignal.Traces, OtlpSignal.Logs, OtlpSignal.Metrics })
        {
            all.Add(new(Exporter(signal, "ENDPOINT"), OtelKind.Uri));
            all.Add(new(Exporter(signal, "PROTOCOL"), OtelKind.Choice, Protocols));
            all.Add(new(Exporter(signal, "HEADERS"), OtelKind.Headers));
            all.Add(new(Exporter(signal, "TIMEOUT"), OtelKind.Milliseconds));
            all.Add(new(Exporter(signal, "COMPRESSION"), OtelKind.Choice, Compressions));
        }

        all.Add(new(Certificate, OtelKind.File));
        all.Add(new(ClientCertificate, OtelKind.File));
        all.Add(new(ClientKey, OtelKind.File));
        foreach (var signal in new[] { OtlpSignal.Traces, OtlpSignal.Logs })
        {
            all.Add(new(Batch(signal, "SCHEDULE_DELAY"), OtelKind.Milliseconds));
            all.Add(new(Batch(signal, "EXPORT_TIMEOUT"), OtelKind.Milliseconds));
            all.Add(new(Batch(signal, "MAX_QUEUE_SIZE"), OtelKind.Count));
            all.Add(new(Batch(signal, "MAX_EXPORT_BATCH_SIZE"), OtelKind.Count));
        }

        all.Add(new(MetricExportInterval, OtelKind.Milliseconds));
        all.Add(new(MetricExportTimeout, OtelKind.Milliseconds));
        return all;
    }
}
