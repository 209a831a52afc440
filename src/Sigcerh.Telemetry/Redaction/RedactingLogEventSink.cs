using Serilog.Core;
using Serilog.Events;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>Redacts every event before the console, file and OTLP sinks see it.</summary>
internal sealed class RedactingLogEventSink(PiiRedactor redactor, ILogEventSink inner) : ILogEventSink, IDisposable, IAsyncDisposable
{
    public void Emit(LogEvent logEvent)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var redacted = Redact(value);
            if (!ReferenceEquals(redacted, value))
            {
                (changed ??= []).Add(new LogEventProperty(name, redacted));
            }
        }

        if (changed is not null)
        {
            foreach (var p in changed)
            {
                logEvent.AddOrUpdateProperty(p);
            }
        }

        inner.Emit(logEvent);
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    public ValueTask DisposeAsync() => inner is IAsyncDisposable a ? a.DisposeAsync() : ValueTask.CompletedTask;

    private LogEventPropertyValue Redact(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string s } => redactor.Redact(s) is var r && !ReferenceEquals(r, s) ? new ScalarValue(r) : value,
        _ => value,
    };
}
