using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>Fails startup with a message naming the key and the bad value: the section's and the <c>OTEL_*</c> variables'.</summary>
internal sealed class SigcerhTelemetryOptionsValidator(IConfiguration configuration) : IValidateOptions<SigcerhTelemetryOptions>
{
    private const string S = SigcerhTelemetryOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SigcerhTelemetryOptions options)
    {
        var errors = new List<string>(options.BindingErrors);
        errors.AddRange(OtelSettings.Read(configuration, options).Errors);

        var o = options.Otlp;
        if (!string.IsNullOrWhiteSpace(o.Endpoint)
            && (!Uri.TryCreate(o.Endpoint.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{S}:Otlp:Endpoint must be an absolute http(s) URI, but was '{o.Endpoint}'.");
        }

        Defined(errors, "Otlp:Protocol", o.Protocol);
        if (!string.IsNullOrWhiteSpace(o.Headers) && OtelSettings.HeaderError($"{S}:Otlp:Headers", o.Headers) is { } headerError)
        {
            errors.Add(headerError);
        }

        Positive(errors, "Otlp:TimeoutSeconds", o.TimeoutSeconds);
        Positive(errors, "Otlp:QueueSize", o.QueueSize);
        Positive(errors, "Otlp:BatchSize", o.BatchSize);
        Positive(errors, "Otlp:ExportDelayMilliseconds", o.ExportDelayMilliseconds);
        Positive(errors, "Logging:FileSizeLimitMegabytes", options.Logging.FileSizeLimitMegabytes);
        Positive(errors, "Logging:RetainedDays", options.Logging.RetainedDays);
        Positive(errors, "Logging:BufferSize", options.Logging.BufferSize);
        Positive(errors, "Metrics:ExportIntervalSeconds", options.Metrics.ExportIntervalSeconds);

        // The SDK reads these as milliseconds in an int: a larger value would be ignored without a word.
        AtMost(errors, "Otlp:TimeoutSeconds", o.TimeoutSeconds, int.MaxValue / 1000);
        AtMost(errors, "Metrics:ExportIntervalSeconds", options.Metrics.ExportIntervalSeconds, int.MaxValue / 1000);

        var ratio = options.Tracing.SamplingRatio;
        if (double.IsNaN(ratio) || ratio < 0 || ratio > 1)
        {
            errors.Add($"{S}:Tracing:SamplingRatio must be within [0, 1], but was '{ratio.ToString(CultureInfo.InvariantCulture)}'.");
        }

        if (options.Logging.MinimumLevel is { } min && !LogLevels.TryParse(min, out _))
        {
            errors.Add($"{S}:Logging:MinimumLevel must be a Serilog level name ({LogLevels.Names}), but was '{min}'.");
        }

        foreach (var (ns, level) in options.Logging.Overrides)
        {
            if (!LogLevels.TryParse(level, out _))
            {
                errors.Add($"{S}:Logging:Overrides:{ns} must be a Serilog level name ({LogLevels.Names}), but was '{level}'.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Logging.Directory))
        {
            errors.Add($"{S}:Logging:Directory must not be empty, but was '{options.Logging.Directory}'.");
        }

        if (options.Logging.FilePrefix is { } prefix && (string.IsNullOrWhiteSpace(prefix) || prefix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || prefix.Contains('\\', StringComparison.Ordinal)))
        {
            errors.Add($"{S}:Logging:FilePrefix must be a file name without folders or invalid characters, but was '{prefix}'.");
        }

        Text(errors, "ServiceName", options.ServiceName);
        Text(errors, "ServiceVersion", options.ServiceVersion);
        Text(errors, "ServiceNamespace", options.ServiceNamespace);
        Text(errors, "Environment", options.Environment);
        foreach (var (key, value) in options.ResourceAttributes)
        {
            Text(errors, $"ResourceAttributes:{key}", value);
        }

        Entries(errors, "Tracing:Sources", options.Tracing.Sources);
        Entries(errors, "Metrics:Meters", options.Metrics.Meters);
        Entries(errors, "Metrics:ActiveUsers:ClaimTypes", options.Metrics.ActiveUsers.ClaimTypes);
        // Configured entries are appended to the defaults, so name them by their configuration key, not their index.
        foreach (var entry in configuration.GetSection($"{S}:Tracing:ExcludedPaths").GetChildren())
        {
            if (entry.Value is not { Length: > 1 } path || path[0] != '/')
            {
                errors.Add($"{entry.Path} must be a request path starting with '/', but was '{entry.Value}'.");
            }
        }

        if (options.Redaction.HashKey is { } hashKey && hashKey.Length < 16)
        {
            // The value itself is a secret: say only how long it is.
            errors.Add($"{S}:Redaction:HashKey must be at least 16 characters long, but was {hashKey.Length.ToString(CultureInfo.InvariantCulture)} characters long.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // Resource attributes and names: set means meant, so blank or control characters are mistakes.
    private static void Text(List<string> errors, string key, string? value)
    {
        if (value is not null && (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl)))
        {
            errors.Add($"{S}:{key} must be non-blank text without control characters, but was '{value}'.");
        }
    }

    private static void Entries(List<string> errors, string key, List<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                errors.Add($"{S}:{key}:{i} must be a name, but was '{values[i]}'.");
            }
        }
    }

    private static void AtMost(List<string> errors, string key, int value, int max)
    {
        if (value > max)
        {
            errors.Add($"{S}:{key} must be at most {max.ToString(CultureInfo.InvariantCulture)}, but was '{value.ToString(CultureInfo.InvariantCulture)}'.");
        }
    }

    private static void Positive(List<string> errors, string key, int value)
    {
        if (value <= 0)
        {
            errors.Add($"{S}:{key} must be greater than zero, but was '{value.ToString(CultureInfo.InvariantCulture)}'.");
        }
    }

    // The binder takes a number for an enum ("7") even when no member has that value.
    private static void Defined<T>(List<string> errors, string key, T value)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            errors.Add($"{S}:{key} must be one of {string.Join(", ", Enum.GetNames<T>())}, but was '{Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}'.");
        }
    }
}
