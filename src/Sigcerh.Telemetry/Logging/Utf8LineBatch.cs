using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Serilog.Events;
using Serilog.Formatting;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// The lines of one write: events are formatted into one reused buffer, whole lines only, and leave as UTF-8 in one
/// piece, so a sink makes one system call per batch and allocates nothing once warm. Not thread-safe: each sink holds it
/// under its own lock.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The StringWriter only wraps the StringBuilder: it holds nothing to release.")]
internal sealed class Utf8LineBatch
{
    private const int FlushThreshold = 32 * 1024;

    private readonly ITextFormatter _formatter;
    private readonly StringBuilder _text = new(FlushThreshold * 2);
    private readonly StringWriter _writer;
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();
    private byte[] _bytes = new byte[FlushThreshold * 3];

    public Utf8LineBatch(ITextFormatter formatter)
    {
        _formatter = formatter;
        _writer = new StringWriter(_text, CultureInfo.InvariantCulture);
    }

    /// <summary>Lines formatted since the last <see cref="Clear"/>.</summary>
    public int Lines { get; private set; }

    /// <summary>Large enough to be written now rather than waiting for the queue to run empty.</summary>
    public bool IsFull => _text.Length >= FlushThreshold;

    /// <summary>Formats one event; a formatter that throws leaves no half line behind for the next event.</summary>
    public void Add(LogEvent logEvent)
    {
        var start = _text.Length;
        try
        {
            _formatter.Format(logEvent, _writer);
        }
        catch
        {
            _text.Length = start;
            throw;
        }

        Lines++;
    }

    /// <summary>The batch as UTF-8, valid until <see cref="Clear"/>. The encoder carries surrogate pairs across chunks.</summary>
    public ReadOnlySpan<byte> Encode()
    {
        var length = 0;
        foreach (var chunk in _text.GetChunks())
        {
            var max = Encoding.UTF8.GetMaxByteCount(chunk.Length);
            if (_bytes.Length - length < max)
            {
                Array.Resize(ref _bytes, length + max);
            }

            length += _encoder.GetBytes(chunk.Span, _bytes.AsSpan(length), flush: false);
        }

        length += _encoder.GetBytes([], _bytes.AsSpan(length), flush: true);
        return _bytes.AsSpan(0, length);
    }

    public void Clear()
    {
        _text.Clear();
        _encoder.Reset();
        Lines = 0;
    }
}
