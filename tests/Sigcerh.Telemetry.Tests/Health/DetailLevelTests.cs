using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Sigcerh.Telemetry.Health;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Health;

public class DetailLevelTests
{
    private const string Key = "clave-de-prueba-0123456789";

    private static Task<TestApp> Start(string level) => TestApp.StartAsync(
        new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Health:DetailLevel"] = level,
            ["SigcerhTelemetry:Health:DetailKey"] = Key,
        },
        b =>
        {
            b.Services.AddSingleton<IDiskSpaceProbe>(new FakeDiskProbe(82.5));
            b.Services.AddSingleton<IMemoryProbe>(new FakeMemoryProbe(10));
        });

    private static async Task<System.Text.Json.JsonElement> Disk(TestApp app, string? forwardedFor, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        if (key is not null)
        {
            request.Headers.Add("X-Health-Key", key);
        }

        var response = await app.Client.SendAsync(request);
        var body = Json.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        return Json.Check(body, HealthNames.Disk);
    }

    [Fact]
    public async Task Restricted_shows_descriptions_to_loopback_and_key_holders_only()
    {
        await using var app = await Start("Restricted");

        var local = await Disk(app, null, null);
        var proxied = await Disk(app, "203.0.113.7", null);
        var wrongKey = await Disk(app, "203.0.113.7", "clave-equivocada-0123456789");
        var withKey = await Disk(app, "203.0.113.7", Key);

        Assert.Equal(82.5, local.GetProperty("data").GetProperty("usedPercent").GetDouble());
        Assert.True(local.TryGetProperty("description", out _));
        Assert.False(proxied.TryGetProperty("description", out _));
        Assert.False(proxied.TryGetProperty("data", out _));
        Assert.Equal("Degraded", proxied.GetProperty("status").GetString());
        Assert.False(wrongKey.TryGetProperty("description", out _));
        Assert.True(withKey.TryGetProperty("description", out _));
        Assert.Equal(82.5, withKey.GetProperty("data").GetProperty("usedPercent").GetDouble());
    }

    [Fact]
    public async Task Full_shows_descriptions_to_everyone()
    {
        await using var app = await Start("Full");

        var proxied = await Disk(app, "203.0.113.7", null);

        Assert.Contains("82.5%", proxied.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
