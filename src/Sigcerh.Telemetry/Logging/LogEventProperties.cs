using Serilog.Events;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// An event's properties as the <see cref="Dictionary{TKey, TValue}"/> Serilog keeps them in, so hot paths enumerate
/// them with its struct enumerator instead of boxing an <c>IReadOnlyDictionary</c> enumerator per event. Another
/// implementation is copied: correct, only not allocation-free.
/// </summary>
internal static class LogEventProperties
{
    public static Dictionary<string, LogEventPropertyValue> Of(LogEvent logEvent) =>
        logEvent.Properties as Dictionary<string, LogEventPropertyValue> ?? new(logEvent.Properties);
}
