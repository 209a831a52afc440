using System.Text.Json.Nodes;

namespace Sigcerh.Collector.Tests.Stanza;

/// <summary>A log entry as stanza operators see it: body, attributes, resource, timestamp, severity, trace context.</summary>
public sealed class LogRecord
{
    public JsonNode? Body { get; set; }

    public Dictionary<string, JsonNode?> Attributes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, JsonNode?> Resource { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset? Timestamp { get; set; }

    public string? Severity { get; set; }

    public string? TraceId { get; set; }

    public string? SpanId { get; set; }
}
