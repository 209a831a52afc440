using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Serilog.Events;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>Fails startup with a message naming the key and the bad value.</summary>
internal sealed class SigcerhTelemetryOptionsValidator(IConfiguration configuration) : IValidateOptions<SigcerhTelemetryOptions>
{
    private const string S = SigcerhTelemetryOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SigcerhTelemetryOptions options)
    {
        var errors = new List<string>();
        UnknownKeys(configuration.GetSection(S), typeof(SigcerhTelemetryOptions), errors);

        var o = options.Otlp;
        if (!string.IsNullOrWhiteSpace(o.Endpoint)
            && (!Uri.TryCreate(o.Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{S}:Otlp:Endpoint (or {OtelVariables.ExporterEndpoint}) must be an absolute http(s) URI, but was '{o.Endpoint}'.");
        }

        if (OtlpProtocols.TryParse(o.Protocol) is null)
        {
            errors.Add($"{S}:Otlp:Protocol (or {OtelVariables.ExporterProtocol}) must be 'grpc' or 'http/protobuf', but was '{o.Protocol}'.");
        }

        Positive(errors, "Otlp:TimeoutSeconds", o.TimeoutSeconds);
        Positive(errors, "Otlp:QueueSize", o.QueueSize);
        Positive(errors, "Otlp:BatchSize", o.BatchSize);
        Positive(errors, "Otlp:ExportDelayMilliseconds", o.ExportDelayMilliseconds);
        Positive(errors, "Logging:FileSizeLimitMegabytes", options.Logging.FileSizeLimitMegabytes);
        Positive(errors, "Logging:RetainedDays", options.Logging.RetainedDays);
        Positive(errors, "Logging:BufferSize", options.Logging.BufferSize);
        Positive(errors, "Metrics:ExportIntervalSeconds", options.Metrics.ExportIntervalSeconds);

        var ratio = options.Tracing.SamplingRatio;
        if (double.IsNaN(ratio) || ratio < 0 || ratio > 1)
        {
            errors.Add($"{S}:Tracing:SamplingRatio must be within [0, 1], but was '{ratio.ToString(CultureInfo.InvariantCulture)}'.");
        }

        if (SamplerFactory.Validate(configuration[OtelVariables.TracesSampler], configuration[OtelVariables.TracesSamplerArg]) is { } samplerError)
        {
            errors.Add(samplerError);
        }

        if (options.Logging.MinimumLevel is { } min && !Enum.TryParse<LogEventLevel>(min, ignoreCase: true, out _))
        {
            errors.Add($"{S}:Logging:MinimumLevel must be a Serilog level (Verbose, Debug, Information, Warning, Error, Fatal), but was '{min}'.");
        }

        foreach (var (ns, level) in options.Logging.Overrides)
        {
            if (!Enum.TryParse<LogEventLevel>(level, ignoreCase: true, out _))
            {
                errors.Add($"{S}:Logging:Overrides:{ns} must be a Serilog level, but was '{level}'.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Logging.Directory))
        {
            errors.Add($"{S}:Logging:Directory must not be empty, but was '{options.Logging.Directory}'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string key, int value)
    {
        if (value <= 0)
        {
            errors.Add($"{S}:{key} must be greater than zero, but was '{value.ToString(CultureInfo.InvariantCulture)}'.");
        }
    }

    // The binder ignores keys it cannot map; a typo in appsettings.json would silently keep a default, so report it.
    private static void UnknownKeys(IConfigurationSection section, Type type, List<string> errors)
    {
        foreach (var child in section.GetChildren())
        {
            var prop = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (prop is null)
            {
                // Name every leaf under the unknown key, so the message shows the value that was meant for it.
                var leaves = child.Value is not null
                    ? [new KeyValuePair<string, string?>(child.Path, child.Value)]
                    : child.AsEnumerable().Where(kv => kv.Value is not null).ToList();
                foreach (var (path, value) in leaves)
                {
                    errors.Add($"Unknown configuration key '{path}' (value '{value}'): {type.Name} has no setting '{child.Key}'.");
                }

                continue;
            }

            var t = prop.PropertyType;
            if (t.IsClass && t != typeof(string) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(t))
            {
                UnknownKeys(child, t, errors);
            }
        }
    }
}
