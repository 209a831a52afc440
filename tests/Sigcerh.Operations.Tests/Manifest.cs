using System.Globalization;

namespace Sigcerh.Operations.Tests;

/// <summary>Reads a backup manifest (DUMP.manifest) the way an operator would.</summary>
internal static class Manifest
{
    public static Dictionary<string, string> Fields(string dump) =>
        File.ReadAllLines(dump + ".manifest")
            .Where(l => !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal) && !l.StartsWith("table=", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    /// <summary>"table=count|quoted name" lines as name -> count.</summary>
    public static Dictionary<string, long> Tables(string dump) =>
        File.ReadAllLines(dump + ".manifest")
            .Where(l => l.StartsWith("table=", StringComparison.Ordinal))
            .Select(l => l["table=".Length..])
            .ToDictionary(l => l[(l.IndexOf('|', StringComparison.Ordinal) + 1)..], l => long.Parse(l[..l.IndexOf('|', StringComparison.Ordinal)], CultureInfo.InvariantCulture));
}
