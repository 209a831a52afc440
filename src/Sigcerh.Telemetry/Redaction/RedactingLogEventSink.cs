using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// Redacts every event before the console, file and OTLP sinks see it: the template text (interpolated strings put
/// data there), property values at any depth, and the exception. Clean events pass through untouched.
/// </summary>
internal sealed class RedactingLogEventSink(PiiRedactor redactor, ILogEventSink inner) : ILogEventSink, IDisposable, IAsyncDisposable
{
    public void Emit(LogEvent logEvent)
    {
        inner.Emit(Redact(logEvent));
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    public ValueTask DisposeAsync() => inner is IAsyncDisposable a ? a.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>The event as it may leave the process: the same instance when nothing had to change.</summary>
    internal LogEvent Redact(LogEvent logEvent)
    {
        var template = RedactTemplate(logEvent.MessageTemplate);
        var exception = RedactException(logEvent.Exception);

        List<LogEventProperty>? properties = null;
        var index = 0;
        foreach (var (name, value) in LogEventProperties.Of(logEvent))
        {
            var redacted = redactor.IsAllowed(name) ? value : RedactValue(value);
            if (!ReferenceEquals(redacted, value) && properties is null)
            {
                // First change: copy the properties seen so far.
                properties = new List<LogEventProperty>(logEvent.Properties.Count);
                foreach (var (n, v) in logEvent.Properties.Take(index))
                {
                    properties.Add(new LogEventProperty(n, v));
                }
            }

            properties?.Add(new LogEventProperty(name, redacted));
            index++;
        }

        if (properties is null && ReferenceEquals(template, logEvent.MessageTemplate) && ReferenceEquals(exception, logEvent.Exception))
        {
            return logEvent;
        }

        return new LogEvent(
            logEvent.Timestamp,
            logEvent.Level,
            exception,
            template,
            properties ?? logEvent.Properties.Select(p => new LogEventProperty(p.Key, p.Value)),
            logEvent.TraceId ?? default,
            logEvent.SpanId ?? default);
    }

    private MessageTemplate RedactTemplate(MessageTemplate template)
    {
        if (ReferenceEquals(redactor.Redact(template.Text), template.Text))
        {
            return template;
        }

        // Only the literal text is redacted, so property tokens and their formats stay intact.
        var tokens = new List<MessageTemplateToken>();
        var text = new System.Text.StringBuilder(template.Text.Length);
        foreach (var token in template.Tokens)
        {
            if (token is TextToken t)
            {
                var r = redactor.Redact(t.Text);
                tokens.Add(ReferenceEquals(r, t.Text) ? t : new TextToken(r));
                text.Append(r.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
            }
            else
            {
                // A property token's format could hold digits too ("{Id:45678912}"); then it becomes plain text.
                var raw = token.ToString() ?? string.Empty;
                var r = redactor.Redact(raw);
                tokens.Add(ReferenceEquals(r, raw) ? token : new TextToken(r));
                text.Append(ReferenceEquals(r, raw) ? raw : r.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
            }
        }

        return new MessageTemplate(text.ToString(), tokens);
    }

    private Exception? RedactException(Exception? exception)
    {
        if (exception is null or RedactedException)
        {
            return exception;
        }

        var text = exception.ToString();
        var redacted = redactor.Redact(text);
        if (ReferenceEquals(redacted, text))
        {
            return exception;
        }

        return new RedactedException(
            exception.GetType(),
            redactor.Redact(exception.Message),
            exception.StackTrace is { } st ? redactor.Redact(st) : null,
            redacted);
    }

    private LogEventPropertyValue RedactValue(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string s }:
                return redactor.Redact(s) is var rs && !ReferenceEquals(rs, s) ? new ScalarValue(rs) : value;

            // A Uri, a StringBuilder, a large number or any object: what the formatters write is its text.
            case ScalarValue { Value: var v } when RedactableText.Of(v) is { } text:
                return redactor.Redact(text) is var rt && !ReferenceEquals(rt, text) ? new ScalarValue(rt) : value;

            case StructureValue sv:
                {
                    LogEventProperty[]? copy = null;
                    for (var i = 0; i < sv.Properties.Count; i++)
                    {
                        var p = sv.Properties[i];
                        var r = redactor.IsAllowed(p.Name) ? p.Value : RedactValue(p.Value);
                        if (!ReferenceEquals(r, p.Value))
                        {
                            copy ??= [.. sv.Properties];
                            copy[i] = new LogEventProperty(p.Name, r);
                        }
                    }

                    return copy is null ? value : new StructureValue(copy, sv.TypeTag);
                }

            case SequenceValue seq:
                {
                    LogEventPropertyValue[]? copy = null;
                    for (var i = 0; i < seq.Elements.Count; i++)
                    {
                        var r = RedactValue(seq.Elements[i]);
                        if (!ReferenceEquals(r, seq.Elements[i]))
                        {
                            copy ??= [.. seq.Elements];
                            copy[i] = r;
                        }
                    }

                    return copy is null ? value : new SequenceValue(copy);
                }

            case DictionaryValue dict:
                {
                    List<KeyValuePair<ScalarValue, LogEventPropertyValue>>? pairs = null;
                    var index = 0;
                    foreach (var (k, v) in dict.Elements)
                    {
                        var rk = (ScalarValue)RedactValue(k);
                        var rv = k.Value is string key && redactor.IsAllowed(key) ? v : RedactValue(v);
                        if (pairs is null && (!ReferenceEquals(rk, k) || !ReferenceEquals(rv, v)))
                        {
                            pairs = [.. dict.Elements.Take(index)];
                        }

                        pairs?.Add(new(rk, rv));
                        index++;
                    }

                    return pairs is null ? value : new DictionaryValue(pairs);
                }

            default:
                return value;
        }
    }
}
