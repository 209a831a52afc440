using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Sigcerh.Telemetry.Export;

/// <summary>
/// Counts telemetry items lost on the way to the collector: queue overflow and failed export calls.
/// Exposed as <c>sigcerh.telemetry.dropped</c> by signal and by sink (<see cref="TelemetrySink"/>); the OTLP health check
/// and the warning reporter read the OTLP sink only, the log-file check the file sink.
/// </summary>
internal sealed class TelemetryDropCounter
{
    public const string InstrumentName = "sigcerh.telemetry.dropped";
    public const string MeterName = Metrics.SelfTelemetryMeter.Name;

    private readonly ConcurrentDictionary<string, long> _counted = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<(string Signal, string Sink, Func<long> Read)> _sources = [];
    private readonly TimeProvider _time;
    private long _lastTotal;
    private long _lastDropTicks;

    public TelemetryDropCounter(IMeterFactory meterFactory, TimeProvider time)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter(
            InstrumentName,
            Measure,
            unit: "{item}",
            description: "Telemetry items that did not reach a sink: the collector (queue full, export failed), the log file or stdout (write failed).");
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
    public void AddSource(string signal, Func<long> read) => AddSource(signal, TelemetrySink.Otlp, read);

    /// <summary>Adds a counter of items that did not reach <paramref name="sink"/> (a local one: file or console).</summary>
    public void AddSource(string signal, string sink, Func<long> read) => _sources.Add((signal, sink, read));

    /// <summary>Items of <paramref name="signal"/> that did not reach the collector.</summary>
    public long Dropped(string signal) => Dropped(signal, TelemetrySink.Otlp);

    public long Dropped(string signal, string sink) =>
        (sink == TelemetrySink.Otlp ? _counted.GetValueOrDefault(signal) : 0)
        + _sources.Where(s => s.Signal == signal && s.Sink == sink).Sum(s => s.Read());

    /// <summary>Items that did not reach the collector, all signals.</summary>
    public long Total => TelemetrySignal.All.Sum(Dropped);

    private IEnumerable<Measurement<long>> Measure()
    {
        // The OTLP series always exist, so a rate over them starts at 0; local sinks appear once registered.
        var pairs = TelemetrySignal.All.Select(s => (Signal: s, Sink: TelemetrySink.Otlp))
            .Concat(_sources.Where(s => s.Sink != TelemetrySink.Otlp).Select(s => (s.Signal, s.Sink)))
            .Distinct();
        foreach (var (signal, sink) in pairs)
        {
            yield return new Measurement<long>(
                Dropped(signal, sink),
                new KeyValuePair<string, object?>("sigcerh.telemetry.signal", signal),
                new KeyValuePair<string, object?>(TelemetrySink.AttributeName, sink));
        }
    }

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
