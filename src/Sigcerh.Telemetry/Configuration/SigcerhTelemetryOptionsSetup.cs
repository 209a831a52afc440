using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>
/// Binds the <c>SigcerhTelemetry</c> section strictly (an unknown key or a value of the wrong type is an error the
/// validator reports, naming key and value), then applies the variables that set our own options. The OTLP variables
/// are read by the SDK's options (see <see cref="OtelSettings"/>), not here.
/// </summary>
internal sealed class SigcerhTelemetryOptionsSetup(IConfiguration configuration) : IConfigureOptions<SigcerhTelemetryOptions>
{
    public void Configure(SigcerhTelemetryOptions options)
    {
        var section = configuration.GetSection(SigcerhTelemetryOptions.SectionName);
        try
        {
            section.Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            options.BindingErrors.AddRange(BindingErrors.Describe(configuration, e));
        }

        if (configuration[OtelVariables.ServiceName]?.Trim() is { Length: > 0 } name)
        {
            options.ServiceName = name;
        }
        else if (options.ServiceName is null
            && OtelVariables.ParseKeyValueList(configuration[OtelVariables.ResourceAttributes]).Where(kv => kv.Key == "service.name").Select(kv => kv.Value).LastOrDefault() is { Length: > 0 } fromAttributes)
        {
            options.ServiceName = fromAttributes;
        }

        if (string.Equals(configuration[OtelVariables.SdkDisabled]?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            options.Tracing.Enabled = false;
            options.Metrics.Enabled = false;
            options.Otlp.Endpoint = null;
        }
    }
}
