using System.Text.Json;

namespace Sigcerh.Samples.Tests;

/// <summary>Reads the OTLP-shaped JSON of the Aspire dashboard's <c>/api/telemetry</c> API.</summary>
internal static class OtlpJson
{
    public sealed record Span(string Service, string TraceId, string SpanId, string ParentSpanId, string Name);

    public sealed record LogRecord(string Service, string TraceId, string SpanId, string Body);

    public static IReadOnlyList<string> ResourceNames(JsonElement resources) =>
        [.. Items(resources).Select(r => r.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty)];

    public static IReadOnlyList<Span> Spans(JsonElement traces)
    {
        var result = new List<Span>();
        foreach (var rs in Array(traces.GetProperty("data"), "resourceSpans"))
        {
            var service = ServiceOf(rs);
            foreach (var s in Array(rs, "scopeSpans").SelectMany(ss => Array(ss, "spans")))
            {
                result.Add(new Span(service, Str(s, "traceId"), Str(s, "spanId"), Str(s, "parentSpanId"), Str(s, "name")));
            }
        }

        return result;
    }

    public static IReadOnlyList<LogRecord> Logs(JsonElement logs)
    {
        var result = new List<LogRecord>();
        foreach (var rl in Array(logs.GetProperty("data"), "resourceLogs"))
        {
            var service = ServiceOf(rl);
            foreach (var l in Array(rl, "scopeLogs").SelectMany(sl => Array(sl, "logRecords")))
            {
                var body = l.TryGetProperty("body", out var b) ? AnyValue(b) : string.Empty;
                result.Add(new LogRecord(service, Str(l, "traceId"), Str(l, "spanId"), body));
            }
        }

        return result;
    }

    private static IEnumerable<JsonElement> Items(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => e.EnumerateArray(),
        JsonValueKind.Object when e.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Array => d.EnumerateArray(),
        _ => [],
    };

    private static string ServiceOf(JsonElement item)
    {
        if (item.TryGetProperty("resource", out var r))
        {
            foreach (var kv in Array(r, "attributes"))
            {
                if (Str(kv, "key") == "service.name" && kv.TryGetProperty("value", out var v))
                {
                    return AnyValue(v);
                }
            }
        }

        return string.Empty;
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
