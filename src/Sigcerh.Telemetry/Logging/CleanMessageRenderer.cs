using System.Globalization;
using Serilog.Events;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// Renders an event's message as the OTLP log body has always shown it: strings unquoted and structured values as JSON
/// (Serilog's <c>:lj</c> style), in the invariant culture. Serilog's own <c>RenderMessage</c> would quote every string,
/// which would change the text that log queries match. One spare writer is kept, so a steady stream of events
/// allocates little beyond the message itself.
/// </summary>
internal sealed class CleanMessageRenderer
{
    // A writer that grew on a huge message is let go rather than kept alive.
    private const int MaxKeptCapacity = 4096;

    private readonly JsonValueFormatter _json = new(typeTagName: "$type");
    private StringWriter? _spare;

    public string Render(LogEvent logEvent)
    {
        var tokens = logEvent.MessageTemplate.Tokens as MessageTemplateToken[] ?? [.. logEvent.MessageTemplate.Tokens];
        if (tokens.Length == 0)
        {
            return string.Empty;
        }

        if (tokens is [TextToken only])
        {
            return only.Text;
        }

        var writer = Rent();
        var properties = logEvent.Properties;
        foreach (var token in tokens)
        {
            if (token is PropertyToken property)
            {
                WriteProperty(property, properties, writer);
            }
            else if (token is TextToken text)
            {
                writer.Write(text.Text);
            }
        }

        return Return(writer);
    }

    /// <summary>A non-scalar value as JSON, the readable form an OTLP string attribute can carry.</summary>
    public string Json(LogEventPropertyValue value)
    {
        var writer = Rent();
        _json.Format(value, writer);
        return Return(writer);
    }

    private void WriteProperty(PropertyToken token, IReadOnlyDictionary<string, LogEventPropertyValue> properties, StringWriter writer)
    {
        if (!properties.TryGetValue(token.PropertyName, out var value))
        {
            writer.Write(token.ToString());
            return;
        }

        if (token.Alignment is not { } alignment)
        {
            WriteValue(value, token.Format, writer);
            return;
        }

        // Rare: render apart, then pad.
        using var aligned = new StringWriter(CultureInfo.InvariantCulture);
        WriteValue(value, token.Format, aligned);
        var text = aligned.ToString();
        var pad = Math.Max(0, alignment.Width - text.Length);
        if (alignment.Direction == AlignmentDirection.Right)
        {
            writer.Write(new string(' ', pad));
        }

        writer.Write(text);
        if (alignment.Direction == AlignmentDirection.Left)
        {
            writer.Write(new string(' ', pad));
        }
    }

    private void WriteValue(LogEventPropertyValue value, string? format, StringWriter writer)
    {
        switch (value)
        {
            case ScalarValue { Value: string s }:
                writer.Write(s);
                break;
            case ScalarValue { Value: ISpanFormattable formattable } scalar:
                // Numbers, dates and ids format on the stack instead of into a string of their own.
                Span<char> buffer = stackalloc char[64];
                if (formattable.TryFormat(buffer, out var written, format, CultureInfo.InvariantCulture))
                {
                    writer.Write(buffer[..written]);
                }
                else
                {
                    scalar.Render(writer, format, CultureInfo.InvariantCulture);
                }

                break;
            case ScalarValue scalar:
                scalar.Render(writer, format, CultureInfo.InvariantCulture);
                break;
            default:
                _json.Format(value, writer);
                break;
        }
    }

    private StringWriter Rent() => Interlocked.Exchange(ref _spare, null) ?? new StringWriter(CultureInfo.InvariantCulture);

    private string Return(StringWriter writer)
    {
        var text = writer.ToString();
        var builder = writer.GetStringBuilder();
        if (builder.Capacity <= MaxKeptCapacity)
        {
            builder.Clear();
            Volatile.Write(ref _spare, writer);
        }

        return text;
    }
}
