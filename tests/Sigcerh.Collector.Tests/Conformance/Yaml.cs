using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Collector.Tests.Conformance;

/// <summary>YAML helpers that keep what the strict decoders see: the scalar's style decides its type.</summary>
internal static partial class Yaml
{
    public static YamlMappingNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode as YamlMappingNode ?? new YamlMappingNode();
    }

    public static YamlMappingNode LoadFile(string path) => Load(File.ReadAllText(path));

    /// <summary>
    /// Merges the way the collector merges repeated --config files (confmap at v0.159.0): maps key by key,
    /// lists and scalars replaced by the later file.
    /// </summary>
    public static YamlMappingNode Merge(IEnumerable<YamlMappingNode> layers)
    {
        var result = new YamlMappingNode();
        foreach (var layer in layers)
        {
            MergeInto(result, layer);
        }

        return result;
    }

    private static void MergeInto(YamlMappingNode target, YamlMappingNode source)
    {
        foreach (var (key, value) in source.Children)
        {
            if (value is YamlMappingNode src && target.Children.TryGetValue(key, out var existing) && existing is YamlMappingNode dst)
            {
                MergeInto(dst, src);
            }
            else
            {
                target.Children[key] = value;
            }
        }
    }

    public static YamlNode? Get(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public static YamlMappingNode MapAt(this YamlMappingNode map, string key) => map.Get(key) as YamlMappingNode ?? new YamlMappingNode();

    public static IEnumerable<YamlNode> SeqAt(this YamlMappingNode map, string key) =>
        map.Get(key) is YamlSequenceNode s ? s.Children : [];

    public static string? Str(this YamlMappingNode map, string key) => (map.Get(key) as YamlScalarNode)?.Value;

    public static string Key(YamlNode key) => ((YamlScalarNode)key).Value ?? string.Empty;

    /// <summary>The YAML 1.2 core-schema type of a scalar (what Go's yaml.v3 decodes it as).</summary>
    public static string ScalarType(YamlScalarNode s)
    {
        if (s.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return "string";
        }

        var v = s.Value ?? string.Empty;
        if (v.Length == 0 || v is "~" or "null" or "Null" or "NULL")
        {
            return "null";
        }

        if (v is "true" or "false" or "True" or "False" or "TRUE" or "FALSE")
        {
            return "bool";
        }

        if (IntPattern().IsMatch(v))
        {
            return "int";
        }

        return FloatPattern().IsMatch(v) ? "float" : "string";
    }

    public static bool IsDuration(string v) => v == "0" || DurationPattern().IsMatch(v);

    public static string Describe(YamlNode n) => n switch
    {
        YamlScalarNode s => string.Create(CultureInfo.InvariantCulture, $"{ScalarType(s)} '{s.Value}'"),
        YamlSequenceNode => "a list",
        YamlMappingNode => "a map",
        _ => n.NodeType.ToString(),
    };

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9]*|0x[0-9a-fA-F]+|0o[0-7]+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h|d|w|y))+$")]
    private static partial Regex DurationPattern();
}
