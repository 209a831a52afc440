using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// Writes events as compact JSON (CLEF, the format of Serilog.Formatting.Compact: <c>@t</c>, <c>@mt</c>, <c>@r</c>,
/// <c>@l</c>, <c>@x</c>, <c>@tr</c>, <c>@sp</c>, then the properties) without allocating for the common case. The stock
/// formatter walks the template with LINQ, boxes the property enumerator and turns every timestamp and number into a
/// string first, several hundred bytes per event; here timestamps and numbers are formatted into stack buffers.
/// Values other than strings, numbers and booleans go through Serilog's own <see cref="JsonValueFormatter"/>.
/// </summary>
internal sealed class ClefJsonFormatter : ITextFormatter
{
    private readonly JsonValueFormatter _values = new(typeTagName: "$type");

    public void Format(LogEvent logEvent, TextWriter output)
    {
        Span<char> buffer = stackalloc char[64];
        output.Write("{\"@t\":\"");
        logEvent.Timestamp.UtcDateTime.TryFormat(buffer, out var n, "O", CultureInfo.InvariantCulture);
        output.Write(buffer[..n]);
        output.Write("\",\"@mt\":");
        JsonValueFormatter.WriteQuotedJsonString(logEvent.MessageTemplate.Text, output);
        WriteRenderings(logEvent, output);

        if (logEvent.Level != LogEventLevel.Information)
        {
            output.Write(",\"@l\":\"");
            output.Write(LevelName(logEvent.Level));
            output.Write('"');
        }

        if (logEvent.Exception is not null)
        {
            output.Write(",\"@x\":");
            JsonValueFormatter.WriteQuotedJsonString(logEvent.Exception.ToString(), output);
        }

        if (logEvent.TraceId is { } traceId)
        {
            output.Write(",\"@tr\":\"");
            output.Write(traceId.ToHexString());
            output.Write('"');
        }

        if (logEvent.SpanId is { } spanId)
        {
            output.Write(",\"@sp\":\"");
            output.Write(spanId.ToHexString());
            output.Write('"');
        }

        foreach (var (name, value) in LogEventProperties.Of(logEvent))
        {
            WriteProperty(name, value, output, buffer);
        }

        output.Write('}');
        output.Write('\n');
    }

    private static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "Verbose",
        LogEventLevel.Debug => "Debug",
        LogEventLevel.Warning => "Warning",
        LogEventLevel.Error => "Error",
        LogEventLevel.Fatal => "Fatal",
        _ => "Information",
    };

    /// <summary><c>@r</c>: the rendered values of tokens with a format ("{Amount:0.00}"), in template order.</summary>
    private static void WriteRenderings(LogEvent logEvent, TextWriter output)
    {
        var tokens = logEvent.MessageTemplate.Tokens as MessageTemplateToken[] ?? [.. logEvent.MessageTemplate.Tokens];
        var first = true;
        foreach (var token in tokens)
        {
            if (token is not PropertyToken { Format: not null } pt)
            {
                continue;
            }

            output.Write(first ? ",\"@r\":[" : ",");
            first = false;
            using var rendered = new StringWriter(CultureInfo.InvariantCulture);
            pt.Render(logEvent.Properties, rendered, CultureInfo.InvariantCulture);
            JsonValueFormatter.WriteQuotedJsonString(rendered.ToString(), output);
        }

        if (!first)
        {
            output.Write(']');
        }
    }

    private void WriteProperty(string name, LogEventPropertyValue value, TextWriter output, Span<char> buffer)
    {
        output.Write(',');
        // Names that start with '@' would collide with the reserved fields; CLEF doubles the '@'.
        JsonValueFormatter.WriteQuotedJsonString(name.StartsWith('@') ? "@" + name : name, output);
        output.Write(':');
        if (value is ScalarValue scalar && TryWriteScalar(scalar.Value, output, buffer))
        {
            return;
        }

        _values.Format(value, output);
    }

    private static bool TryWriteScalar(object? value, TextWriter output, Span<char> buffer)
    {
        int n;
        switch (value)
        {
            case string s:
                JsonValueFormatter.WriteQuotedJsonString(s, output);
                return true;
            case bool b:
                output.Write(b ? "true" : "false");
                return true;
            case int i when i.TryFormat(buffer, out n, default, CultureInfo.InvariantCulture):
            case long l when l.TryFormat(buffer, out n, default, CultureInfo.InvariantCulture):
            case double d when double.IsFinite(d) && d.TryFormat(buffer, out n, "R", CultureInfo.InvariantCulture):
            case float f when float.IsFinite(f) && f.TryFormat(buffer, out n, "R", CultureInfo.InvariantCulture):
            case decimal m when m.TryFormat(buffer, out n, default, CultureInfo.InvariantCulture):
                output.Write(buffer[..n]);
                return true;
            default:
                return false;
        }
    }
}
