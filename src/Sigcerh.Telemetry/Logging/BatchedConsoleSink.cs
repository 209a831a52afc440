using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// Compact JSON to stdout without a string per event: events are formatted into one reused buffer and written in whole
/// lines, as UTF-8 in one write, when the writer's queue runs empty (or the buffer fills). Serilog's console sink builds a
/// StringWriter and a string per event; <c>Console.Out</c> itself flushes every 256 characters, so a 32 KB batch
/// written through it took about 130 system calls. This sink allocates nothing once warm and makes one call per batch.
/// Runs on the background log writer's single thread; the lock only guards against a concurrent dispose.
/// </summary>
internal sealed class BatchedConsoleSink : ILogEventSink, IDisposable
{
    private readonly Utf8LineBatch _batch;
    private readonly Func<int> _pending;
    private readonly Stream _output;
    private readonly bool _isStdout;
    private readonly Lock _gate = new();
    private long _dropped;

    /// <param name="formatter">The event formatter (compact JSON).</param>
    /// <param name="pending">Events still queued for this writer; the buffer is flushed when it reaches 0.</param>
    /// <param name="output">Where the UTF-8 lines go; the process's standard output when null.</param>
    public BatchedConsoleSink(ITextFormatter formatter, Func<int> pending, Stream? output = null)
    {
        _batch = new Utf8LineBatch(formatter);
        _pending = pending;
        _isStdout = output is null;
        _output = output ?? Console.OpenStandardOutput();
    }

    /// <summary>Lines lost because stdout could not be written (closed pipe, full or failed device).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            _batch.Add(logEvent);
            if (_batch.IsFull || _pending() == 0)
            {
                FlushLocked();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            FlushLocked();
            if (_isStdout)
            {
                _output.Dispose();
            }
        }
    }

    private void FlushLocked()
    {
        if (_batch.Lines == 0)
        {
            return;
        }

        try
        {
            var bytes = _batch.Encode();
            if (_isStdout)
            {
                // Console.Out's writer locks itself for each write and flushes after it: holding the same lock keeps an
                // application's Console.WriteLine from landing inside one of these lines.
                lock (Console.Out)
                {
                    _output.Write(bytes);
                }
            }
            else
            {
                _output.Write(bytes);
            }
        }
#pragma warning disable CA1031 // A broken stdout loses this batch, counted, instead of growing the buffer or stopping the writer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Add(ref _dropped, _batch.Lines);
            SelfLog.WriteLine("Sigcerh console sink: {0} lines not written: {1}", _batch.Lines, ex.Message);
        }
        finally
        {
            _batch.Clear();
        }
    }
}
