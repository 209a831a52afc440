using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sigcerh.Collector.Tests.Checking;

/// <summary>One OTTL replace rule, compiled for .NET.</summary>
public sealed record RedactionRule(string Target, string Re2Pattern, string GoReplacement, Regex Regex, string DotNetReplacement)
{
    public string Apply(string input) => Regex.Replace(input, DotNetReplacement);
}

/// <summary>Extracts the replace_pattern / replace_all_patterns rules of a transform processor, grouped by target.</summary>
public static class RedactionRules
{
    public static IReadOnlyDictionary<string, List<RedactionRule>> From(Dictionary<string, object?> expandedConfig, string processorId)
    {
        var transform = ConfigTree.Map(ConfigTree.Map(expandedConfig, "processors"), processorId);
        var result = new Dictionary<string, List<RedactionRule>>(StringComparer.Ordinal);
        foreach (var (_, statement) in CollectorConfigChecker.TransformStatements(transform, processorId))
        {
            var call = Ottl.Parse(statement);
            var (target, pattern, replacement) = call.Function switch
            {
                "replace_pattern" => (call.Arguments[0], call.StringLiterals[1], call.StringLiterals[2]),
                "replace_all_patterns" => ($"{call.Arguments[0]}:{call.StringLiterals[1]}", call.StringLiterals[2], call.StringLiterals[3]),
                _ => (string.Empty, null, null),
            };
            if (pattern is null || replacement is null)
            {
                continue;
            }

            if (!result.TryGetValue(target, out var list))
            {
                result[target] = list = [];
            }

            list.Add(new RedactionRule(target, pattern, replacement, Re2.Compile(pattern), Re2.TranslateReplacement(replacement)));
        }

        return result;
    }

    public static string ApplyAll(IEnumerable<RedactionRule> rules, string input) =>
        rules.Aggregate(input, (text, rule) => rule.Apply(text));
}

/// <summary>tests/corpus/pii-corpus.json.</summary>
public sealed class PiiCorpus
{
    public required IReadOnlyList<(string Text, IReadOnlyList<string> Secrets)> Positive { get; init; }

    public required IReadOnlyList<string> Negative { get; init; }

    public static PiiCorpus Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        return new PiiCorpus
        {
            Positive = root.GetProperty("positive").EnumerateArray()
                .Select(e => (e.GetProperty("text").GetString()!,
                    (IReadOnlyList<string>)e.GetProperty("secrets").EnumerateArray().Select(s => s.GetString()!).ToList()))
                .ToList(),
            Negative = root.GetProperty("negative").EnumerateArray().Select(e => e.GetString()!).ToList(),
        };
    }
}
