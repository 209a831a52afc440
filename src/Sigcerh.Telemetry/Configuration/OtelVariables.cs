namespace Sigcerh.Telemetry.Configuration;

/// <summary>Names and parsing of the standard OpenTelemetry environment variables, read through <c>IConfiguration</c>.</summary>
internal static class OtelVariables
{
    public const string ServiceName = "OTEL_SERVICE_NAME";
    public const string ResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
    public const string ExporterEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ExporterProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string ExporterHeaders = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string ExporterTimeout = "OTEL_EXPORTER_OTLP_TIMEOUT";
    public const string TracesSampler = "OTEL_TRACES_SAMPLER";
    public const string TracesSamplerArg = "OTEL_TRACES_SAMPLER_ARG";
    public const string SdkDisabled = "OTEL_SDK_DISABLED";

    public static bool IsTrue(string? value) =>
        string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

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
}
