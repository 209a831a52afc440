using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Tests.Logging;

public sealed class BackgroundLogWriterTests
{
    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse("Evento {N}");

    private static LogEvent Event(int n) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Information, null, Template, [new LogEventProperty("N", new ScalarValue(n))]);

    [Fact]
    public void Events_reach_the_sinks_in_order_on_the_writers_thread_and_not_on_the_callers()
    {
        var sink = new RecordingSink();
        using var writer = new BackgroundLogWriter(sink, capacity: 1000, window: TimeSpan.FromMilliseconds(20));
        for (var i = 0; i < 200; i++)
        {
            writer.Emit(Event(i));
        }

        Assert.True(SpinWait.SpinUntil(() => sink.Count == 200, TimeSpan.FromSeconds(10)), $"only {sink.Count} of 200 events written");
        Assert.Equal(Enumerable.Range(0, 200), sink.Numbers());
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, sink.Threads());
        Assert.Equal(0, writer.Pending);
        Assert.Equal(0, writer.Dropped);
    }

    [Fact]
    public void Events_written_one_at_a_time_with_pauses_all_arrive()
    {
        // The writer sleeps between batches; a lone event after a quiet spell must still wake it.
        var sink = new RecordingSink();
        using var writer = new BackgroundLogWriter(sink, capacity: 1000, window: TimeSpan.FromMilliseconds(5));
        for (var i = 0; i < 20; i++)
        {
            writer.Emit(Event(i));
            Assert.True(SpinWait.SpinUntil(() => sink.Count == i + 1, TimeSpan.FromSeconds(5)), $"event {i} was not written");
        }
    }

    [Fact]
    public void Events_beyond_the_capacity_are_dropped_and_counted_while_the_writer_is_busy()
    {
        using var release = new ManualResetEventSlim();
        var sink = new RecordingSink(release);
        using var writer = new BackgroundLogWriter(sink, capacity: 10, window: TimeSpan.FromMilliseconds(1));
        writer.Emit(Event(-1));
        Assert.True(SpinWait.SpinUntil(() => sink.Entered, TimeSpan.FromSeconds(5)), "the writer never started on the first event");

        // The writer is stuck in the sink: ten events fit, the other forty are dropped.
        for (var i = 0; i < 50; i++)
        {
            writer.Emit(Event(i));
        }

        Assert.Equal(40, writer.Dropped);
        Assert.Equal(10, writer.Pending);
        release.Set();
        Assert.True(SpinWait.SpinUntil(() => sink.Count == 11, TimeSpan.FromSeconds(10)), $"{sink.Count} of 11 events written");
        Assert.Equal([-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], sink.Numbers());
    }

    [Fact]
    public void Dispose_writes_every_queued_event_before_closing_the_sinks()
    {
        var sink = new RecordingSink();
        var writer = new BackgroundLogWriter(sink, capacity: 100_000, window: TimeSpan.FromHours(1));
        for (var i = 0; i < 5_000; i++)
        {
            writer.Emit(Event(i));
        }

        writer.Dispose();
        Assert.Equal(5_000, sink.Count);
        Assert.True(sink.Disposed);
    }

    [Fact]
    public void Flush_ends_the_batch_window_early()
    {
        var sink = new RecordingSink();
        using var writer = new BackgroundLogWriter(sink, capacity: 100, window: TimeSpan.FromHours(1));
        writer.Emit(Event(1));
        writer.Emit(Event(2));
        Assert.False(SpinWait.SpinUntil(() => sink.Count > 0, TimeSpan.FromMilliseconds(200)), "written before the window ended");

        writer.Flush();
        Assert.True(SpinWait.SpinUntil(() => sink.Count == 2, TimeSpan.FromSeconds(5)), $"{sink.Count} of 2 events written after Flush");
    }

    [Fact]
    public void A_failing_sink_does_not_stop_the_writer()
    {
        var sink = new RecordingSink(failOn: 3);
        using var writer = new BackgroundLogWriter(sink, capacity: 100, window: TimeSpan.FromMilliseconds(5));
        for (var i = 0; i < 6; i++)
        {
            writer.Emit(Event(i));
        }

        Assert.True(SpinWait.SpinUntil(() => sink.Count == 5, TimeSpan.FromSeconds(5)), $"{sink.Count} of 5 events written");
        Assert.Equal([0, 1, 2, 4, 5], sink.Numbers());
    }

    private sealed class RecordingSink(ManualResetEventSlim? gate = null, int failOn = int.MinValue) : ILogEventSink, IDisposable
    {
        private readonly List<(int N, int Thread)> _seen = [];
        private volatile bool _entered;

        public int Count
        {
            get
            {
                lock (_seen)
                {
                    return _seen.Count;
                }
            }
        }

        public bool Entered => _entered;

        public bool Disposed { get; private set; }

        public void Emit(LogEvent logEvent)
        {
            _entered = true;
            gate?.Wait();
            var n = (int)((ScalarValue)logEvent.Properties["N"]).Value!;
            if (n == failOn)
            {
                throw new InvalidOperationException("sink failure");
            }

            lock (_seen)
            {
                _seen.Add((n, Environment.CurrentManagedThreadId));
            }
        }

        public IReadOnlyList<int> Numbers()
        {
            lock (_seen)
            {
                return [.. _seen.Select(s => s.N)];
            }
        }

        public IReadOnlyList<int> Threads()
        {
            lock (_seen)
            {
                return [.. _seen.Select(s => s.Thread)];
            }
        }

        public void Dispose() => Disposed = true;
    }
}
