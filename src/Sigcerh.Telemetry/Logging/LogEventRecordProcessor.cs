using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// Runs before the batch processor, while the record still holds the Serilog event: the timestamp, trace context and
/// instrumentation scope come from the event, not from the thread that happened to write it, and the attributes are
/// readied for the copy the batch processor takes.
/// </summary>
internal sealed class LogEventRecordProcessor : BaseProcessor<LogRecord>
{
    private long _received;

    /// <summary>Serilog events that reached the export pipeline.</summary>
    public long Received => Interlocked.Read(ref _received);

    public override void OnEnd(LogRecord data)
    {
        if (data.Attributes is not LogEventAttributeCollection attributes)
        {
            return;
        }

        Interlocked.Increment(ref _received);
        attributes.PrepareForExport();
        var e = attributes.Event;
        data.Timestamp = e.Timestamp.UtcDateTime;

        if (e.TraceId is { } traceId && e.SpanId is { } spanId)
        {
            // The logger copied the ambient activity, which is the event's one in the usual synchronous case: its flags
            // are then the real sampling decision. An event carrying another trace gets no flags: nothing here knows them.
            if (data.TraceId != traceId || data.SpanId != spanId)
            {
                data.TraceId = traceId;
                data.SpanId = spanId;
                data.TraceFlags = ActivityTraceFlags.None;
            }
        }
        else
        {
            data.TraceId = default;
            data.SpanId = default;
            data.TraceFlags = ActivityTraceFlags.None;
        }

        // The scope is the event's SourceContext, as it was with Serilog's OTLP sink. The SDK caches one scope per
        // name, so this costs a dictionary lookup and no allocation.
        if (attributes.SourceContext is { } scope)
        {
            data.CategoryName = scope;
        }
    }
}
