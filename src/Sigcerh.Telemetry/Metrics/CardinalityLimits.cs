using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace Sigcerh.Telemetry.Metrics;

/// <summary>
/// Sizes the point table of each metric stream. The SDK allocates a stream's whole table (2,000 points by default)
/// when the instrument is published, before any measurement: for the ~65 instruments of a SIGCERH service that was
/// about 6 MiB and 40 ms of startup, nearly all of it for runtime, Kestrel and Npgsql instruments that hold a
/// handful of series each. Those get a small table; HTTP, routing, business and application meters keep the default.
/// A stream that outgrows its table keeps counting in one overflow series (<c>otel.metric.overflow=true</c>).
/// </summary>
internal static class CardinalityLimits
{
    /// <summary>Series per stream for the infrastructure meters.</summary>
    public const int Infrastructure = 200;

    private static readonly FrozenSet<string> InfrastructureMeters = FrozenSet.Create(
        StringComparer.Ordinal,
        "System.Runtime",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.MemoryPool",
        "System.Net.NameResolution",
        SelfTelemetryMeter.Name,
        "Npgsql");

    private static readonly MetricStreamConfiguration Small = new() { CardinalityLimit = Infrastructure };

    /// <summary>The view: a small table for infrastructure meters, the SDK's default (null) for every other one.</summary>
    public static MetricStreamConfiguration? For(Instrument instrument) =>
        InfrastructureMeters.Contains(instrument.Meter.Name) ? Small : null;
}
