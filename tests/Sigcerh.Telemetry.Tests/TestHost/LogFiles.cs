using System.Text.Json;

namespace Sigcerh.Telemetry.Tests.TestHost;

/// <summary>Reads the compact-JSON log files an app wrote.</summary>
public static class LogFiles
{
    public static IReadOnlyList<JsonElement> ReadEvents(string directory)
    {
        var events = new List<JsonElement>();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using var doc = JsonDocument.Parse(line);
                events.Add(doc.RootElement.Clone());
            }
        }

        return events;
    }

    public static string Level(JsonElement e) => e.TryGetProperty("@l", out var l) ? l.GetString()! : "Information";

    public static string Template(JsonElement e) => e.TryGetProperty("@mt", out var t) ? t.GetString()! : string.Empty;

    public static string? Prop(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) ? (p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText()) : null;
}
