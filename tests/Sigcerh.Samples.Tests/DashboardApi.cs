using System.Text.Json;

namespace Sigcerh.Samples.Tests;

/// <summary>The demo's dashboard API (the demo owns the process; this only reads).</summary>
internal sealed class DashboardApi(Uri dashboard)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public async Task<JsonElement> GetAsync(string path)
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync(new Uri(dashboard, path)));
        return doc.RootElement.Clone();
    }

    public async Task<string> GetEverythingAsync()
    {
        var parts = new List<string>();
        foreach (var path in new[] { "/api/telemetry/resources", "/api/telemetry/logs", "/api/telemetry/traces" })
        {
            // Decoded, so an escaped '@' (\u0040) cannot hide an email from the search.
            using var doc = JsonDocument.Parse(await Http.GetStringAsync(new Uri(dashboard, path)));
            parts.Add(JsonSerializer.Serialize(doc.RootElement, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        }

        return string.Join('\n', parts);
    }
}
