using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sigcerh.Collector.Tests.Checking;

namespace Sigcerh.Collector.Tests.Stanza;

/// <summary>
/// Runs a file_log receiver's `operators` list on one line, the way stanza does for the operator types and
/// expressions our configs use (json_parser, regex_parser, severity_parser, move, add, remove, trace_parser; `if`
/// with `!= nil`, `== nil` and `matches`). Anything else throws, so an untested construct cannot pass silently.
/// </summary>
public static partial class OperatorPipeline
{
    public static LogRecord Run(IReadOnlyList<object?> operators, string line, IReadOnlyDictionary<string, string>? fileAttributes = null)
    {
        var r = new LogRecord { Body = JsonValue.Create(line) };
        foreach (var (k, v) in fileAttributes ?? new Dictionary<string, string>())
        {
            r.Attributes[k] = JsonValue.Create(v);
        }

        foreach (var op in operators.Select(ConfigTree.Map))
        {
            if (ConfigTree.Str(op, "if") is { } cond && !Condition(cond, r))
            {
                continue;
            }

            Apply(op, r);
        }

        return r;
    }

    private static void Apply(Dictionary<string, object?> op, LogRecord r)
    {
        var type = ConfigTree.Str(op, "type");
        switch (type)
        {
            case "json_parser":
                var parsed = JsonNode.Parse(Text(Get(r, ConfigTree.Str(op, "parse_from") ?? "body")))!.AsObject();
                foreach (var (k, v) in parsed)
                {
                    Set(r, $"{ConfigTree.Str(op, "parse_to") ?? "attributes"}[\"{k}\"]", v?.DeepClone());
                }

                ParseEmbedded(op, r);
                break;
            case "regex_parser":
                var m = Re2.Compile(ConfigTree.Str(op, "regex")!).Match(Text(Get(r, ConfigTree.Str(op, "parse_from") ?? "body")));
                if (!m.Success)
                {
                    throw new InvalidOperationException($"regex_parser {ConfigTree.Str(op, "id")}: no match (on_error would send it on unparsed)");
                }

                foreach (var g in m.Groups.Keys.Where(g => !int.TryParse(g, out _) && m.Groups[g].Success))
                {
                    Set(r, $"{ConfigTree.Str(op, "parse_to") ?? "attributes"}[\"{g}\"]", JsonValue.Create(m.Groups[g].Value));
                }

                ParseEmbedded(op, r);
                break;
            case "severity_parser":
                ParseSeverity(op, r);
                break;
            case "move":
                Set(r, ConfigTree.Str(op, "to")!, Get(r, ConfigTree.Str(op, "from")!)?.DeepClone());
                Remove(r, ConfigTree.Str(op, "from")!);
                break;
            case "add":
                Set(r, ConfigTree.Str(op, "field")!, JsonValue.Create(ConfigTree.Str(op, "value")));
                break;
            case "remove":
                Remove(r, ConfigTree.Str(op, "field")!);
                break;
            case "trace_parser":
                r.TraceId = Get(r, (string)ConfigTree.At(op, "trace_id.parse_from")!)?.GetValue<string>();
                r.SpanId = Get(r, (string)ConfigTree.At(op, "span_id.parse_from")!)?.GetValue<string>();
                break;
            default:
                throw new NotSupportedException($"operator type '{type}' is not emulated");
        }
    }

    private static void ParseEmbedded(Dictionary<string, object?> op, LogRecord r)
    {
        if (ConfigTree.Map(op, "timestamp") is { Count: > 0 } ts)
        {
            var layout = ConfigTree.Str(ts, "layout")!;
            if (ConfigTree.Str(ts, "layout_type") != "gotime")
            {
                throw new NotSupportedException("only gotime layouts are emulated");
            }

            r.Timestamp = GoTime.Parse(Text(Get(r, ConfigTree.Str(ts, "parse_from")!)), layout);
        }

        if (ConfigTree.Map(op, "severity") is { Count: > 0 } sev)
        {
            ParseSeverity(sev, r);
        }
    }

    private static void ParseSeverity(Dictionary<string, object?> op, LogRecord r)
    {
        var value = Text(Get(r, ConfigTree.Str(op, "parse_from")!));
        foreach (var (level, mapped) in ConfigTree.Map(op, "mapping"))
        {
            var names = mapped is List<object?> l ? l.OfType<string>() : mapped is string one ? [one] : [];
            if (names.Any(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase)))
            {
                r.Severity = level;
                return;
            }
        }

        // stanza's default mapping: the standard level names themselves.
        r.Severity = value.ToLowerInvariant() switch
        {
            "trace" or "debug" or "info" or "warn" or "error" or "fatal" => value.ToLowerInvariant(),
            _ => "default",
        };
    }

    private static bool Condition(string expr, LogRecord r)
    {
        var m = NilCheck().Match(expr);
        if (m.Success)
        {
            var present = Get(r, m.Groups[1].Value) is not null;
            return m.Groups[2].Value == "!=" ? present : !present;
        }

        var matches = Matches().Match(expr);
        if (matches.Success)
        {
            return Get(r, matches.Groups[1].Value) is { } v && Re2.Compile(Regex.Unescape(matches.Groups[2].Value)).IsMatch(Text(v));
        }

        throw new NotSupportedException($"expression '{expr}' is not emulated");
    }

    private static (Dictionary<string, JsonNode?>? Map, string Key) Field(LogRecord r, string field)
    {
        var m = FieldPath().Match(field);
        if (!m.Success)
        {
            throw new NotSupportedException($"field '{field}' is not emulated");
        }

        var key = m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value;
        return m.Groups[1].Value switch
        {
            "body" => (null, string.Empty),
            "attributes" => (r.Attributes, key),
            "resource" => (r.Resource, key),
            _ => throw new NotSupportedException(field),
        };
    }

    private static JsonNode? Get(LogRecord r, string field)
    {
        var (map, key) = Field(r, field);
        return map is null ? r.Body : map.GetValueOrDefault(key);
    }

    private static void Set(LogRecord r, string field, JsonNode? value)
    {
        var (map, key) = Field(r, field);
        if (map is null)
        {
            r.Body = value;
        }
        else
        {
            map[key] = value;
        }
    }

    private static void Remove(LogRecord r, string field)
    {
        var (map, key) = Field(r, field);
        if (map is null)
        {
            r.Body = null;
        }
        else
        {
            map.Remove(key);
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    [GeneratedRegex("""^\s*((?:attributes|resource|body)(?:\.[\w.@]+|\["[^"]+"\])?)\s*(!=|==)\s*nil\s*$""")]
    private static partial Regex NilCheck();

    [GeneratedRegex("""^\s*((?:attributes|resource|body)(?:\.[\w@]+|\["[^"]+"\])?)\s+matches\s+"((?:\\.|[^"\\])*)"\s*$""")]
    private static partial Regex Matches();

    [GeneratedRegex("""^(body|attributes|resource)(?:\.([\w@]+)|\["([^"]+)"\])?$""")]
    private static partial Regex FieldPath();
}
