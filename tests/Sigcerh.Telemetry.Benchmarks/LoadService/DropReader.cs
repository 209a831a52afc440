using System.Diagnostics.Metrics;

namespace Sigcerh.Telemetry.LoadService;

/// <summary>
/// Reads the package's public <c>sigcerh.telemetry.dropped</c> counter (its OTLP sink) on demand (observable instruments only report
/// when asked, so this costs nothing between reads). Zero in the bare and peer builds, which have no such counter.
/// </summary>
public sealed class DropReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public DropReader()
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "sigcerh.telemetry.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            // Drops on the way to the collector only: the file and console sinks have series of their own.
            string? signal = null;
            var sink = "otlp";
            foreach (var tag in tags)
            {
                if (tag.Key == "sigcerh.telemetry.signal" && tag.Value is string s)
                {
                    signal = s;
                }
                else if (tag.Key == "sigcerh.telemetry.sink" && tag.Value is string k)
                {
                    sink = k;
                }
            }

            if (signal is not null && sink == "otlp")
            {
                _last[signal] = value;
            }
        });
        _listener.Start();
    }

    public long Read(string signal)
    {
        lock (_gate)
        {
            _listener.RecordObservableInstruments();
            return _last.GetValueOrDefault(signal);
        }
    }

    public void Dispose() => _listener.Dispose();
}
