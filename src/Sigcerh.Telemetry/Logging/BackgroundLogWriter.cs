using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// Hands events from request threads to the console and file sinks on one background thread, in batches. The caller
/// only enqueues. Unlike an async wrapper that wakes its worker for every event, this writer wakes once per batch
/// window (or early when the queue fills): at the few hundred requests per second SIGCERH sees, waking a thread per
/// event cost more CPU than formatting the event. The queue is bounded; events that do not fit are dropped and counted.
/// </summary>
internal sealed class BackgroundLogWriter : ILogEventSink, IDisposable, IAsyncDisposable
{
    /// <summary>How long the writer collects events before writing them; the delay a log line can have on stdout.</summary>
    internal static readonly TimeSpan DefaultWindow = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan DrainOnDispose = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<LogEvent> _queue = new();
    private readonly ILogEventSink _target;
    private readonly int _capacity;
    private readonly int _hurryAt;
    private readonly TimeSpan _window;
    private readonly ManualResetEventSlim _work = new(false);
    private readonly ManualResetEventSlim _hurry = new(false);
    private readonly Thread _thread;
    private int _pending;
    private long _dropped;
    private long _received;
    private volatile bool _stopping;
    private volatile bool _writing;
    private int _disposed;

    /// <param name="target">The sinks to write to, in order, from the writer's thread only.</param>
    /// <param name="capacity">Events held at most; more are dropped.</param>
    /// <param name="window">How long to collect events before a write; <see cref="DefaultWindow"/> when null.</param>
    public BackgroundLogWriter(ILogEventSink target, int capacity, TimeSpan? window = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _target = target;
        _capacity = capacity;
        _hurryAt = Math.Max(1, Math.Min(capacity / 2, 1024));
        _window = window ?? DefaultWindow;
        _thread = new Thread(Run) { IsBackground = true, Name = "Sigcerh log writer" };
        _thread.Start();
    }

    /// <summary>Events accepted and not yet written.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Events handed to the writer since start, dropped ones included: what every sink's count adds up to.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Emit(LogEvent logEvent)
    {
        Interlocked.Increment(ref _received);
        var n = Interlocked.Increment(ref _pending);
        if (n > _capacity)
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _dropped);
            return;
        }

        _queue.Enqueue(logEvent);
        if (n == 1)
        {
            _work.Set();
        }
        else if (n == _hurryAt)
        {
            _hurry.Set();
        }
    }

    /// <summary>Ends the current batch window now instead of when it elapses (benchmarks use it to drain).</summary>
    public void Flush()
    {
        _hurry.Set();
        _work.Set();
    }

    /// <summary>Writes what is queued now and waits until it is written, at most <paramref name="timeout"/>.</summary>
    /// <returns>True when nothing is left to write.</returns>
    public bool WaitIdle(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Volatile.Read(ref _pending) > 0 || _writing)
        {
            if (Environment.TickCount64 >= deadline || !_thread.IsAlive)
            {
                return false;
            }

            Flush();
            Thread.Sleep(5);
        }

        return true;
    }

    /// <summary>Writes what is queued (bounded wait), then closes the sinks.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping = true;
        _hurry.Set();
        _work.Set();
        // A blocked stdout must not hang shutdown forever.
        if (_thread.Join(DrainOnDispose))
        {
            _work.Dispose();
            _hurry.Dispose();
        }

        (_target as IDisposable)?.Dispose();
    }

    /// <summary>Serilog disposes sinks asynchronously when the logger is; the drain itself is synchronous.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Run()
    {
        while (true)
        {
            if (Volatile.Read(ref _pending) == 0)
            {
                if (_stopping)
                {
                    return;
                }

                _work.Wait();
                _work.Reset();
            }

            if (!_stopping)
            {
                _hurry.Wait(_window);
            }

            _hurry.Reset();
            _writing = true;
            // Pending drops before each write, so the console sink sees 0 at the batch's last event and flushes then.
            while (_queue.TryDequeue(out var e))
            {
                Interlocked.Decrement(ref _pending);
                Write(e);
            }

            _writing = false;
        }
    }

    private void Write(LogEvent logEvent)
    {
        try
        {
            _target.Emit(logEvent);
        }
#pragma warning disable CA1031 // A failing sink must not stop the writer; Serilog reports it through SelfLog.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SelfLog.WriteLine("Sigcerh log writer: a sink failed: {0}", ex);
        }
    }
}
