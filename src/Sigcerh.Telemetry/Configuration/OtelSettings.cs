using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>
/// The standard variables as the SDK's options will read them: the <c>SigcerhTelemetry</c> section's values (and our
/// deliberate defaults) under the variables' names, then the variables themselves, then what code set. A malformed
/// value is left out, so the SDK never throws on it (a bad <c>OTEL_EXPORTER_OTLP_HEADERS</c> would), and is reported:
/// as an error that fails startup, or, where the specification asks SDKs to ignore it, as a warning.
/// </summary>
internal sealed class OtelSettings
{
    private OtelSettings(IConfiguration flat, List<string> errors, List<string> warnings, bool sdkDisabled)
    {
        Configuration = flat;
        Errors = errors;
        Warnings = warnings;
        SdkDisabled = sdkDisabled;
    }

    /// <summary>Only well-formed values, under the variables' names: what the SDK's options read.</summary>
    public IConfiguration Configuration { get; }

    public IReadOnlyList<string> Errors { get; }

    /// <summary>Values ignored as the specification asks, each naming the variable; logged once at startup.</summary>
    public IReadOnlyList<string> Warnings { get; }

    public bool SdkDisabled { get; }

    /// <summary>True when <paramref name="name"/> has a well-formed value, from the variables or the section.</summary>
    public bool IsSet(string name) => !string.IsNullOrEmpty(Configuration[name]);

    public static OtelSettings Read(IConfiguration configuration, SigcerhTelemetryOptions options)
    {
        var values = SectionValues(options);
        var fromCode = SetInCode(configuration, options);
        var errors = new List<string>();
        var warnings = new List<string>();
        foreach (var variable in OtelVariables.All)
        {
            var value = configuration[variable.Name]?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                continue; // The specification reads an empty value as unset.
            }

            var (error, warning) = Check(variable, value, configuration);
            if (error is not null)
            {
                errors.Add(error);
            }
            else if (warning is not null)
            {
                warnings.Add(warning);
            }
            else if (!fromCode.Contains(variable.Name))
            {
                values[variable.Name] = value;
            }
        }

        errors.AddRange(CertificateErrors(configuration));
        var disabled = string.Equals(configuration[OtelVariables.SdkDisabled]?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        var flat = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new OtelSettings(flat, errors, warnings, disabled);
    }

    // The section's settings and defaults, under the names of the variables that override them.
    private static Dictionary<string, string?> SectionValues(SigcerhTelemetryOptions options)
    {
        var o = options.Otlp;
        var timeout = Ms(o.TimeoutSeconds * 1000L);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [OtelVariables.ExporterEndpoint] = string.IsNullOrWhiteSpace(o.Endpoint) ? null : o.Endpoint.Trim(),
            [OtelVariables.ExporterProtocol] = o.Protocol == SigcerhOtlpProtocol.HttpProtobuf ? "http/protobuf" : "grpc",
            [OtelVariables.ExporterHeaders] = string.IsNullOrWhiteSpace(o.Headers) ? null : o.Headers,
            [OtelVariables.ExporterTimeout] = timeout,
            [OtelVariables.MetricExportInterval] = Ms(options.Metrics.ExportIntervalSeconds * 1000L),
            [OtelVariables.MetricExportTimeout] = timeout,
        };
        foreach (var signal in new[] { OtlpSignal.Traces, OtlpSignal.Logs })
        {
            values[OtelVariables.Batch(signal, "MAX_QUEUE_SIZE")] = Ms(o.QueueSize);
            values[OtelVariables.Batch(signal, "MAX_EXPORT_BATCH_SIZE")] = Ms(o.BatchSize);
            values[OtelVariables.Batch(signal, "SCHEDULE_DELAY")] = Ms(o.ExportDelayMilliseconds);
            values[OtelVariables.Batch(signal, "EXPORT_TIMEOUT")] = timeout;
        }

        // A header list the SDK cannot parse would throw when the exporter is built; the validator names it instead.
        if (values[OtelVariables.ExporterHeaders] is { } headers && HeaderError("SigcerhTelemetry:Otlp:Headers", headers) is not null)
        {
            values[OtelVariables.ExporterHeaders] = null;
        }

        return values;
    }

    // The code delegate wins over the variables, as the SDK's own option setters do: find what it changed.
    private static HashSet<string> SetInCode(IConfiguration configuration, SigcerhTelemetryOptions options)
    {
        var fromConfig = new SigcerhTelemetryOptions();
        var locked = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            configuration.GetSection(SigcerhTelemetryOptions.SectionName).Bind(fromConfig);
        }
        catch (InvalidOperationException)
        {
            return locked; // Startup fails on the bad value anyway.
        }

        var (a, b) = (options.Otlp, fromConfig.Otlp);
        Lock(locked, a.Endpoint != b.Endpoint, OtelVariables.ExporterEndpoint);
        Lock(locked, a.Protocol != b.Protocol, OtelVariables.ExporterProtocol);
        Lock(locked, a.Headers != b.Headers, OtelVariables.ExporterHeaders);
        Lock(locked, a.TimeoutSeconds != b.TimeoutSeconds, OtelVariables.ExporterTimeout, OtelVariables.MetricExportTimeout, "OTEL_BSP_EXPORT_TIMEOUT", "OTEL_BLRP_EXPORT_TIMEOUT");
        Lock(locked, a.QueueSize != b.QueueSize, "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BLRP_MAX_QUEUE_SIZE");
        Lock(locked, a.BatchSize != b.BatchSize, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE");
        Lock(locked, a.ExportDelayMilliseconds != b.ExportDelayMilliseconds, "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BLRP_SCHEDULE_DELAY");
        Lock(locked, options.Metrics.ExportIntervalSeconds != fromConfig.Metrics.ExportIntervalSeconds, OtelVariables.MetricExportInterval);
        return locked;
    }

    private static void Lock(HashSet<string> locked, bool changed, params string[] names)
    {
        if (changed)
        {
            locked.UnionWith(names);
        }
    }

    private static (string? Error, string? Warning) Check(OtelVariable variable, string value, IConfiguration configuration)
    {
        var name = variable.Name;
        switch (variable.Kind)
        {
            case OtelKind.Text when value.Any(char.IsControl):
                return ($"{name} must be text without control characters, but was '{value}'.", null);
            case OtelKind.Boolean when !Is(value, "true") && !Is(value, "false"):
                return (null, $"{name} must be 'true' or 'false', but was '{value}'; it is read as false, as the OpenTelemetry specification asks.");
            case OtelKind.Choice when !variable.Choices!.Any(c => Is(value, c)):
                return (null, $"{name} must be one of {string.Join(", ", variable.Choices!)}, but was '{value}'; the setting is ignored, as the OpenTelemetry specification asks for an unknown value.");
            case OtelKind.Ratio when (configuration[OtelVariables.TracesSampler] ?? string.Empty).Contains("traceidratio", StringComparison.OrdinalIgnoreCase)
                && SamplerFactory.ParseRatio(value) is null:
                return ($"{name} must be a number within [0, 1], but was '{value}'.", null);
            case OtelKind.Uri when !Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps):
                return ($"{name} must be an absolute http(s) URI, but was '{value}'.", null);
            case OtelKind.Headers:
                return (HeaderError(name, value), null);
            case OtelKind.KeyValueList:
                return (KeyValueListError(name, value), null);
            case OtelKind.Milliseconds when !Positive(value):
                return ($"{name} must be a whole number of milliseconds greater than zero, but was '{value}'.", null);
            case OtelKind.Count when !Positive(value):
                return ($"{name} must be a whole number greater than zero, but was '{value}'.", null);
            default:
                return (null, null);
        }
    }

    /// <summary>
    /// The SDK splits on ',' and '=' and throws "Headers provided in an invalid format." on a pair without '='. Header
    /// values are credentials, so the message shows only the names and where the list is broken.
    /// </summary>
    public static string? HeaderError(string name, string value)
    {
        var entries = value.Split(',');
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? string.Empty : entry[..eq].Trim();
            var decoded = eq < 0 ? string.Empty : Uri.UnescapeDataString(entry[(eq + 1)..].Trim());
            if (eq < 0 || key.Length == 0 || !key.All(IsTokenChar) || decoded.Any(char.IsControl))
            {
                var shown = eq > 0 ? $"'{key}=***'" : $"'{Mask(entry)}'";
                return $"{name} must be a comma-separated list of name=value pairs with HTTP header names, but entry {i + 1} of {entries.Length}, {shown}, is not "
                    + $"(value '{Mask(value)}', {value.Length} characters; header values are not shown because they hold credentials).";
            }
        }

        return null;
    }

    private static string? KeyValueListError(string name, string value)
    {
        foreach (var entry in value.Split(','))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || entry[..eq].Trim().Length == 0)
            {
                return $"{name} must be a comma-separated list of key=value pairs, but entry '{entry}' of '{value}' is not.";
            }
        }

        return null;
    }

    private static IEnumerable<string> CertificateErrors(IConfiguration configuration)
    {
        string? Path(string name) => configuration[name]?.Trim() is { Length: > 0 } p ? p : null;
        var ca = Path(OtelVariables.Certificate);
        var cert = Path(OtelVariables.ClientCertificate);
        var key = Path(OtelVariables.ClientKey);
        if (ca is not null && LoadAuthorities(ca) is { } caError)
        {
            yield return $"{OtelVariables.Certificate} must name a readable PEM certificate file, but was '{ca}': {caError}";
        }

        if ((cert is null) != (key is null))
        {
            var (set, missing) = cert is null ? (OtelVariables.ClientKey, OtelVariables.ClientCertificate) : (OtelVariables.ClientCertificate, OtelVariables.ClientKey);
            yield return $"{set} is set to '{cert ?? key}' but {missing} is not: mutual TLS needs both.";
        }
        else if (cert is not null && Load(() => X509Certificate2.CreateFromPemFile(cert, key)) is { } pairError)
        {
            yield return $"{OtelVariables.ClientCertificate} and {OtelVariables.ClientKey} must name a readable PEM certificate and its key, but were '{cert}' and '{key}': {pairError}";
        }
    }

    private static string? Load(Func<X509Certificate2> load)
    {
        try
        {
            load().Dispose();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            return e.Message;
        }
    }

    // A CA file holds certificates only, no key.
    private static string? LoadAuthorities(string path)
    {
        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            var count = certificates.Count;
            foreach (var c in certificates)
            {
                c.Dispose();
            }

            return count > 0 ? null : "no PEM certificate in the file";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            return e.Message;
        }
    }

    private static bool Positive(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0;

    private static bool Is(string value, string word) => string.Equals(value, word, StringComparison.OrdinalIgnoreCase);

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    // Enough to recognise the entry, not enough to use a credential in it.
    private static string Mask(string text) => text.Length <= 4 ? new string('*', text.Length) : text[..4] + "***";

    private static string Ms(long value) => value.ToString(CultureInfo.InvariantCulture);
}
