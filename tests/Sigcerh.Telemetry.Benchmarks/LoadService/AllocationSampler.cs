using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Sigcerh.Telemetry.LoadService;

/// <summary>
/// With <c>LOAD_ALLOC_PROFILE=1</c>: samples the runtime's AllocationTick events (one per ~100 KB allocated) by type,
/// so <c>/allocations</c> shows where the bytes per request go. Off by default: it costs CPU.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    public IEnumerable<KeyValuePair<string, long>> Top(int count) => _bytes.OrderByDescending(kv => kv.Value).Take(count);

    public void Reset() => _bytes.Clear();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is null)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
    }
}
