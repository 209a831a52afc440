using System.Globalization;
using OpenTelemetry.Trace;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>Builds the sampler from <c>OTEL_TRACES_SAMPLER</c>/<c>_ARG</c> as the specification says, else (unset or unknown, with a warning) from the configured ratio.</summary>
internal static class SamplerFactory
{
    public static Sampler Create(string? sampler, string? arg, double configuredRatio)
    {
        var ratio = ParseRatio(arg) ?? 1.0;
        return sampler?.Trim().ToLowerInvariant() switch
        {
            "always_on" => new AlwaysOnSampler(),
            "always_off" => new AlwaysOffSampler(),
            "traceidratio" => new TraceIdRatioBasedSampler(ratio),
            "parentbased_always_on" => new ParentBasedSampler(new AlwaysOnSampler()),
            "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
            "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)),
            _ => new ParentBasedSampler(new TraceIdRatioBasedSampler(configuredRatio)),
        };
    }

    public static double? ParseRatio(string? arg) =>
        double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1 ? r : null;
}
