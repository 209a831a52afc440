using System.Text.Json;

namespace Sigcerh.Telemetry.Tests.Redaction;

/// <summary>
/// The shared corpus tests/corpus/pii-corpus.json (also run by the collector's redaction checks), found by walking up
/// from the test output folder to the repository root.
/// </summary>
public static class PiiCorpus
{
    private static readonly Lazy<(IReadOnlyList<Entry> Positive, IReadOnlyList<string> Negative)> Loaded = new(Load);

    public static IReadOnlyList<Entry> Positive => Loaded.Value.Positive;

    public static IReadOnlyList<string> Negative => Loaded.Value.Negative;

    public static IEnumerable<string> AllSecrets => Positive.SelectMany(p => p.Secrets).Distinct(StringComparer.Ordinal);

    public static TheoryData<int> PositiveIndexes => [.. Enumerable.Range(0, Positive.Count)];

    public static TheoryData<int> NegativeIndexes => [.. Enumerable.Range(0, Negative.Count)];

    public static string Path => Find(AppContext.BaseDirectory) ?? Find(SourceDirectory())
        ?? throw new FileNotFoundException("tests/corpus/pii-corpus.json not found above " + AppContext.BaseDirectory);

    // SIGCERH_BUILD_DIR puts the output outside the tree; the source location then leads to the repository.
    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        System.IO.Path.GetDirectoryName(file) ?? string.Empty;

    private static string? Find(string start)
    {
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "tests", "corpus", "pii-corpus.json");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }

    /// <summary>Secrets of the corpus found in <paramref name="text"/>, for assertion messages.</summary>
    public static IReadOnlyList<string> LeaksIn(string text) =>
        AllSecrets.Where(s => text.Contains(s, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>Every string in a JSON document, unescaped, one per line: JSON escapes such as \u002B cannot hide a leak.</summary>
    public static string StringsOf(JsonElement element)
    {
        var sb = new System.Text.StringBuilder();
        Walk(element, sb);
        return sb.ToString();
    }

    private static void Walk(JsonElement e, System.Text.StringBuilder sb)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    sb.Append(p.Name).Append('\n');
                    Walk(p.Value, sb);
                }

                break;
            case JsonValueKind.Array:
                foreach (var i in e.EnumerateArray())
                {
                    Walk(i, sb);
                }

                break;
            case JsonValueKind.String:
                sb.Append(e.GetString()).Append('\n');
                break;
            case JsonValueKind.Number:
                sb.Append(e.GetRawText()).Append('\n');
                break;
            default:
                break;
        }
    }

    private static (IReadOnlyList<Entry>, IReadOnlyList<string>) Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path));
        var positive = doc.RootElement.GetProperty("positive").EnumerateArray()
            .Select(p => new Entry(p.GetProperty("text").GetString()!, [.. p.GetProperty("secrets").EnumerateArray().Select(s => s.GetString()!)]))
            .ToList();
        var negative = doc.RootElement.GetProperty("negative").EnumerateArray().Select(n => n.GetString()!).ToList();
        return (positive, negative);
    }

    public sealed record Entry(string Text, IReadOnlyList<string> Secrets);
}
