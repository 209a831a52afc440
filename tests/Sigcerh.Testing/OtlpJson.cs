using System.Text.Json;

namespace Sigcerh.Testing;

/// <summary>Reads the OTLP-shaped JSON that the Aspire dashboard's API returns.</summary>
public static class OtlpJson
{
    /// <summary>One span and the resource it came from.</summary>
    public sealed record Span(string Service, string InstanceId, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes);

    /// <summary>One log record and the resource it came from.</summary>
    public sealed record LogRecord(string Service, string TraceId, string SpanId, string Body, IReadOnlyDictionary<string, string> Attributes);

    /// <summary>The <c>name</c> of every resource in <c>/api/telemetry/resources</c>.</summary>
    public static IReadOnlyList<string> ResourceNames(JsonElement resources) =>
        resources.ValueKind == JsonValueKind.Array
            ? [.. resources.EnumerateArray().Select(r => r.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty)]
            : [];

    /// <summary>Every span in <c>/api/telemetry/traces</c>.</summary>
    public static IReadOnlyList<Span> Spans(JsonElement traces)
    {
        var result = new List<Span>();
        foreach (var rs in Array(traces.GetProperty("data"), "resourceSpans"))
        {
            var (service, instance) = ServiceOf(rs);
            foreach (var ss in Array(rs, "scopeSpans"))
            {
                foreach (var s in Array(ss, "spans"))
                {
                    result.Add(new Span(service, instance, Str(s, "traceId"), Str(s, "spanId"), Str(s, "parentSpanId"), Str(s, "name"),
                        s.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.Number ? k.GetInt32() : 0, Attributes(s)));
                }
            }
        }

        return result;
    }

    /// <summary>Every log record in <c>/api/telemetry/logs</c>.</summary>
    public static IReadOnlyList<LogRecord> Logs(JsonElement logs)
    {
        var result = new List<LogRecord>();
        foreach (var rl in Array(logs.GetProperty("data"), "resourceLogs"))
        {
            var (service, _) = ServiceOf(rl);
            foreach (var sl in Array(rl, "scopeLogs"))
            {
                foreach (var l in Array(sl, "logRecords"))
                {
                    var body = l.TryGetProperty("body", out var b) ? AnyValue(b) : string.Empty;
                    result.Add(new LogRecord(service, Str(l, "traceId"), Str(l, "spanId"), body, Attributes(l)));
                }
            }
        }

        return result;
    }

    /// <summary>The resource attributes of one <c>resourceSpans</c> or <c>resourceLogs</c> item.</summary>
    public static IReadOnlyDictionary<string, string> ResourceAttributes(JsonElement resourceItem) =>
        resourceItem.TryGetProperty("resource", out var r) ? Attributes(r) : new Dictionary<string, string>();

    private static (string Service, string Instance) ServiceOf(JsonElement item)
    {
        var a = ResourceAttributes(item);
        return (a.GetValueOrDefault("service.name", string.Empty), a.GetValueOrDefault("service.instance.id", string.Empty));
    }

    private static IReadOnlyDictionary<string, string> Attributes(JsonElement e)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in Array(e, "attributes"))
        {
            d[Str(kv, "key")] = kv.TryGetProperty("value", out var v) ? AnyValue(v) : string.Empty;
        }

        return d;
    }

    private static string AnyValue(JsonElement v)
    {
        foreach (var p in v.EnumerateObject())
        {
            return p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }

        return string.Empty;
    }

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
}
