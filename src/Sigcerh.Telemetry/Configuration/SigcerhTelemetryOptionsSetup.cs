using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>Binds the <c>SigcerhTelemetry</c> section, then applies the standard <c>OTEL_*</c> variables from configuration.</summary>
internal sealed class SigcerhTelemetryOptionsSetup(IConfiguration configuration) : IConfigureOptions<SigcerhTelemetryOptions>
{
    public void Configure(SigcerhTelemetryOptions options)
    {
        // Unknown keys are reported by the validator with their full path, so the binder stays lenient here.
        configuration.GetSection(SigcerhTelemetryOptions.SectionName).Bind(options);

        if (configuration[OtelVariables.ServiceName] is { Length: > 0 } name)
        {
            options.ServiceName = name;
        }

        foreach (var (key, value) in OtelVariables.ParseKeyValueList(configuration[OtelVariables.ResourceAttributes]))
        {
            if (key == "service.name")
            {
                options.ServiceName ??= value;
            }
            else
            {
                options.ResourceAttributes.TryAdd(key, value);
            }
        }

        if (configuration[OtelVariables.ExporterEndpoint] is { Length: > 0 } endpoint)
        {
            options.Otlp.Endpoint = endpoint;
        }

        if (configuration[OtelVariables.ExporterProtocol] is { Length: > 0 } protocol)
        {
            options.Otlp.Protocol = protocol;
        }

        if (configuration[OtelVariables.ExporterHeaders] is { Length: > 0 } headers)
        {
            options.Otlp.Headers = headers;
        }

        if (configuration[OtelVariables.ExporterTimeout] is { Length: > 0 } timeout
            && int.TryParse(timeout, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms > 0)
        {
            options.Otlp.TimeoutSeconds = Math.Max(1, ms / 1000);
        }

        if (OtelVariables.IsTrue(configuration[OtelVariables.SdkDisabled]))
        {
            options.Tracing.Enabled = false;
            options.Metrics.Enabled = false;
            options.Otlp.Endpoint = null;
        }
    }
}
