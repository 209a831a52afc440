using Sigcerh.Collector.Tests.Checking;

namespace Sigcerh.Collector.Tests;

/// <summary>Paths and loaders for the files under collector/.</summary>
internal static class Configs
{
    public static string SingleServer => Contract.PathOf("collector/config.yaml");

    public static string Agent => Contract.PathOf("collector/gateway/agent.yaml");

    public static string Gateway => Contract.PathOf("collector/gateway/gateway.yaml");

    public static string Overlay(string name) => Contract.PathOf($"collector/overlays/{name}.yaml");

    public static string Corpus => Contract.PathOf("tests/corpus/pii-corpus.json");

    public static string Readme => Contract.PathOf("collector/README.md");

    public static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    public static CheckerOptions BackendOptions => new() { ExpectedExporterEndpoints = Contract.BackendExporters };

    public static Dictionary<string, object?> Expanded(params string[] paths) =>
        Expansion.ExpandTree(ConfigTree.Merge(paths.Select(ConfigTree.LoadFile).ToArray()), NoEnvironment);

    public static IEnumerable<string> AllYamlFiles() =>
        Directory.EnumerateFiles(Contract.PathOf("collector"), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
}
