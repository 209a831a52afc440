using Sigcerh.Collector.Tests.Checking;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Collector.Tests.Conformance;

/// <summary>tests/upstream/facts.yaml, the upstream facts the conformance test checks against.</summary>
public sealed class UpstreamFacts
{
    public static string DefaultPath => Contract.PathOf("tests/upstream/facts.yaml");

    public UpstreamFacts(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public static UpstreamFacts Load(string? path = null) => new(Yaml.LoadFile(path ?? DefaultPath));

    public YamlMappingNode Components => Root.MapAt("collector").MapAt("components");

    public YamlMappingNode Service => Root.MapAt("collector").MapAt("service");

    public YamlMappingNode Binaries => Root.MapAt("binaries");

    public YamlMappingNode Files => Root.MapAt("files");

    /// <summary>The component entry for a kind and type, also found under its deprecated type name.</summary>
    public (YamlMappingNode? Entry, bool Deprecated) Component(string kind, string type)
    {
        if (Components.Get($"{kind}/{type}") is YamlMappingNode m)
        {
            return (m, false);
        }

        foreach (var (k, v) in Components.Children)
        {
            if (Yaml.Key(k).StartsWith(kind + "/", StringComparison.Ordinal) && v is YamlMappingNode e && e.Str("deprecated_type") == type)
            {
                return (e, true);
            }
        }

        return (null, false);
    }

    /// <summary>The binary entry for an image reference: an entry "repo@tag" wins over "repo".</summary>
    public YamlMappingNode? Binary(string image)
    {
        var colon = image.LastIndexOf(':');
        var repo = colon > 0 ? image[..colon] : image;
        var tag = colon > 0 ? image[(colon + 1)..].TrimStart('v') : string.Empty;
        return Binaries.Get($"{repo}@{tag}") as YamlMappingNode ?? Binaries.Get(repo) as YamlMappingNode;
    }

    public IEnumerable<(string Flag, string Image)> AcceptedDeprecations =>
        Root.SeqAt("accepted_deprecations").OfType<YamlMappingNode>().Select(m => (m.Str("flag")!, m.Str("image")!));

    public static IEnumerable<string> Strings(YamlNode? node) =>
        node is YamlSequenceNode s ? s.Children.OfType<YamlScalarNode>().Select(x => x.Value!) : [];
}
