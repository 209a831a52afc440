using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Configuration;

namespace Sigcerh.Telemetry.Export;

/// <summary>
/// Where and how each signal is exported, as the OpenTelemetry SDK's own options read the standard variables (layered
/// over the <c>SigcerhTelemetry:Otlp</c> section). A signal is exported when its own endpoint or the base endpoint is
/// set; nothing is exported otherwise, or with <c>OTEL_SDK_DISABLED=true</c>.
/// </summary>
internal sealed class OtlpTarget
{
    /// <summary>From the options alone, as if no variable were set.</summary>
    public OtlpTarget(IOptions<SigcerhTelemetryOptions> options)
        : this(options, new ConfigurationBuilder().Build())
    {
    }

    public OtlpTarget(IOptions<SigcerhTelemetryOptions> options, IConfiguration configuration)
    {
        Configuration = configuration;
        Settings = OtelSettings.Read(configuration, options.Value);
        Traces = new OtlpSignalTarget(OtlpSignal.Traces, Settings);
        Logs = new OtlpSignalTarget(OtlpSignal.Logs, Settings);
        Metrics = new OtlpSignalTarget(OtlpSignal.Metrics, Settings);
    }

    /// <summary>The application's configuration, which the SDK's resource detectors read.</summary>
    public IConfiguration Configuration { get; }

    public OtelSettings Settings { get; }

    public OtlpSignalTarget Traces { get; }

    public OtlpSignalTarget Logs { get; }

    public OtlpSignalTarget Metrics { get; }

    public IEnumerable<OtlpSignalTarget> Signals => [Logs, Traces, Metrics];

    /// <summary>True when at least one signal is exported.</summary>
    public bool Enabled => Signals.Any(s => s.Enabled);
}
