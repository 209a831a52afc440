using System.Globalization;
using System.Text;
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
    private const int FlushThreshold = 32 * 1024;

    private readonly ITextFormatter _formatter;
    private readonly Func<int> _pending;
    private readonly Stream _output;
    private readonly bool _isStdout;
    private readonly StringBuilder _batch = new(FlushThreshold * 2);
    private readonly StringWriter _writer;
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();
    private readonly Lock _gate = new();
    private byte[] _bytes = new byte[FlushThreshold * 3];
    private int _batchLines;
    private long _dropped;

    /// <param name="formatter">The event formatter (compact JSON).</param>
    /// <param name="pending">Events still queued for this writer; the buffer is flushed when it reaches 0.</param>
    /// <param name="output">Where the UTF-8 lines go; the process's standard output when null.</param>
    public BatchedConsoleSink(ITextFormatter formatter, Func<int> pending, Stream? output = null)
    {
        _formatter = formatter;
        _pending = pending;
        _isStdout = output is null;
        _output = output ?? Console.OpenStandardOutput();
        _writer = new StringWriter(_batch, CultureInfo.InvariantCulture);
    }

    /// <summary>Lines lost because stdout could not be written (closed pipe, full or failed device).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            var start = _batch.Length;
            try
            {
                _formatter.Format(logEvent, _writer);
            }
            catch
            {
                // Never leave half a line behind for the next event.
                _batch.Length = start;
                throw;
            }

            _batchLines++;
            if (_batch.Length >= FlushThreshold || _pending() == 0)
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
        if (_batch.Length == 0)
        {
            return;
        }

        try
        {
            var length = 0;
            foreach (var chunk in _batch.GetChunks())
            {
                var max = Encoding.UTF8.GetMaxByteCount(chunk.Length);
                if (_bytes.Length - length < max)
                {
                    Array.Resize(ref _bytes, length + max);
                }

                length += _encoder.GetBytes(chunk.Span, _bytes.AsSpan(length), flush: false);
            }

            length += _encoder.GetBytes([], _bytes.AsSpan(length), flush: true);
            if (_isStdout)
            {
                // Console.Out's writer locks itself for each write and flushes after it: holding the same lock keeps an
                // application's Console.WriteLine from landing inside one of these lines.
                lock (Console.Out)
                {
                    _output.Write(_bytes, 0, length);
                }
            }
            else
            {
                _output.Write(_bytes, 0, length);
            }
        }
#pragma warning disable CA1031 // A broken stdout loses this batch, counted, instead of growing the buffer or stopping the writer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Add(ref _dropped, _batchLines);
            SelfLog.WriteLine("Sigcerh console sink: {0} lines not written: {1}", _batchLines, ex.Message);
        }
        finally
        {
            _batch.Clear();
            _encoder.Reset();
            _batchLines = 0;
        }
    }
}
