using System.Globalization;
using OpenTelemetry.Trace;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>Builds the sampler from <c>OTEL_TRACES_SAMPLER</c>/<c>_ARG</c> as the specification says, else from the configured ratio.</summary>
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

    /// <summary>Returns an error message naming the variable and value, or null when both are valid.</summary>
    public static string? Validate(string? sampler, string? arg)
    {
        if (string.IsNullOrWhiteSpace(sampler))
        {
            return null;
        }

        var known = new[] { "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio" };
        if (!known.Contains(sampler.Trim().ToLowerInvariant()))
        {
            return $"{OtelVariables.TracesSampler} must be one of {string.Join(", ", known)}, but was '{sampler}'.";
        }

        if (sampler.Contains("traceidratio", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(arg) && ParseRatio(arg) is null)
        {
            return $"{OtelVariables.TracesSamplerArg} must be a number within [0, 1], but was '{arg}'.";
        }

        return null;
    }

    private static double? ParseRatio(string? arg) =>
        double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1 ? r : null;
}
