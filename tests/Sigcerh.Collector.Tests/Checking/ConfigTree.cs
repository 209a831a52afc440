using YamlDotNet.RepresentationModel;

namespace Sigcerh.Collector.Tests.Checking;

/// <summary>
/// Loads collector YAML into plain objects (maps, lists, strings) and merges several files the way the
/// collector merges repeated <c>--config</c> flags: maps are merged key by key, everything else
/// (scalars and lists) is replaced by the later file.
/// </summary>
public static class ConfigTree
{
    public static Dictionary<string, object?> LoadFile(string path) => Parse(File.ReadAllText(path));

    public static Dictionary<string, object?> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0)
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        return Convert(stream.Documents[0].RootNode) as Dictionary<string, object?>
            ?? throw new InvalidDataException("The root of a collector config must be a map.");
    }

    public static Dictionary<string, object?> Merge(params Dictionary<string, object?>[] layers)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            MergeInto(result, layer);
        }

        return result;
    }

    private static void MergeInto(Dictionary<string, object?> target, Dictionary<string, object?> source)
    {
        foreach (var (key, value) in source)
        {
            if (value is Dictionary<string, object?> srcMap && target.TryGetValue(key, out var existing)
                && existing is Dictionary<string, object?> dstMap)
            {
                MergeInto(dstMap, srcMap);
            }
            else
            {
                target[key] = DeepCopy(value);
            }
        }
    }

    public static object? DeepCopy(object? value) => value switch
    {
        Dictionary<string, object?> m => m.ToDictionary(kv => kv.Key, kv => DeepCopy(kv.Value), StringComparer.Ordinal),
        List<object?> l => l.Select(DeepCopy).ToList(),
        _ => value,
    };

    /// <summary>Returns a deep copy where <paramref name="map"/> is applied to every string scalar.</summary>
    public static object? MapStrings(object? value, Func<string, string> map) => value switch
    {
        Dictionary<string, object?> m => m.ToDictionary(kv => kv.Key, kv => MapStrings(kv.Value, map), StringComparer.Ordinal),
        List<object?> l => l.Select(v => MapStrings(v, map)).ToList(),
        string s => map(s),
        _ => value,
    };

    /// <summary>Every string scalar with its path (e.g. <c>receivers.otlp.protocols.grpc.endpoint</c>).</summary>
    public static IEnumerable<(string Path, string Value)> Strings(object? value, string path = "")
    {
        switch (value)
        {
            case Dictionary<string, object?> m:
                foreach (var (k, v) in m)
                {
                    foreach (var item in Strings(v, path.Length == 0 ? k : $"{path}.{k}"))
                    {
                        yield return item;
                    }
                }

                break;
            case List<object?> l:
                for (var i = 0; i < l.Count; i++)
                {
                    foreach (var item in Strings(l[i], $"{path}[{i}]"))
                    {
                        yield return item;
                    }
                }

                break;
            case string s:
                yield return (path, s);
                break;
        }
    }

    public static Dictionary<string, object?> Map(object? node) =>
        node as Dictionary<string, object?> ?? new Dictionary<string, object?>(StringComparer.Ordinal);

    public static Dictionary<string, object?> Map(Dictionary<string, object?> parent, string key) =>
        parent.TryGetValue(key, out var v) ? Map(v) : new Dictionary<string, object?>(StringComparer.Ordinal);

    public static List<object?> List(Dictionary<string, object?> parent, string key) =>
        parent.TryGetValue(key, out var v) && v is List<object?> l ? l : [];

    public static string? Str(Dictionary<string, object?> parent, string key) =>
        parent.TryGetValue(key, out var v) ? v as string : null;

    /// <summary>Follows a dotted path of map keys.</summary>
    public static object? At(object? node, string dottedPath)
    {
        foreach (var part in dottedPath.Split('.'))
        {
            if (node is not Dictionary<string, object?> m || !m.TryGetValue(part, out node))
            {
                return null;
            }
        }

        return node;
    }

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.ToDictionary(
            kv => ((YamlScalarNode)kv.Key).Value ?? string.Empty,
            kv => Convert(kv.Value),
            StringComparer.Ordinal),
        YamlSequenceNode s => s.Children.Select(Convert).ToList(),
        YamlScalarNode sc when sc.Style == YamlDotNet.Core.ScalarStyle.Plain
            && (string.IsNullOrEmpty(sc.Value) || sc.Value is "~" or "null") => null,
        YamlScalarNode sc => sc.Value,
        _ => throw new InvalidDataException($"Unsupported YAML node {node.NodeType}"),
    };
}
