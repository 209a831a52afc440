using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Sigcerh.Telemetry.Export;

/// <summary>
/// Counts telemetry items lost on the way to the collector: queue overflow and failed export calls.
/// Exposed as <c>sigcerh.telemetry.dropped</c> and read by the OTLP health check and the warning reporter.
/// </summary>
internal sealed class TelemetryDropCounter
{
    public const string InstrumentName = "sigcerh.telemetry.dropped";
    public const string MeterName = Metrics.SelfTelemetryMeter.Name;

    private readonly ConcurrentDictionary<string, long> _counted = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<(string Signal, Func<long> Read)> _sources = [];
    private readonly TimeProvider _time;
    private long _lastTotal;
    private long _lastDropTicks;

    public TelemetryDropCounter(IMeterFactory meterFactory, TimeProvider time)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter(
            InstrumentName,
            () => TelemetrySignal.All.Select(s => new Measurement<long>(Dropped(s), new KeyValuePair<string, object?>("sigcerh.telemetry.signal", s))),
            unit: "{item}",
            description: "Telemetry items dropped before reaching the collector (queue full or export failed).");
    }

    public void Add(string signal, long count)
    {
        if (count <= 0)
        {
            return;
        }

        _counted.AddOrUpdate(signal, count, (_, v) => v + count);
        Interlocked.Exchange(ref _lastDropTicks, _time.GetUtcNow().UtcTicks);
    }

    /// <summary>Adds a counter kept elsewhere, such as the batch processor's own overflow count.</summary>
    public void AddSource(string signal, Func<long> read) => _sources.Add((signal, read));

    public long Dropped(string signal) =>
        _counted.GetValueOrDefault(signal) + _sources.Where(s => s.Signal == signal).Sum(s => s.Read());

    public long Total => TelemetrySignal.All.Sum(Dropped);

    /// <summary>When something was last seen dropped, or null if never.</summary>
    public DateTimeOffset? LastDropAt
    {
        get
        {
            // Sources are polled, so notice their growth here too.
            var total = Total;
            if (total != Interlocked.Exchange(ref _lastTotal, total) && total > 0)
            {
                Interlocked.Exchange(ref _lastDropTicks, _time.GetUtcNow().UtcTicks);
            }

            var ticks = Interlocked.Read(ref _lastDropTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }
}
