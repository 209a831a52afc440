using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Sigcerh.Telemetry.Health;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Health;

public class DetailLevelTests
{
    private const string Key = "clave-de-prueba-0123456789";

    private static Task<TestApp> Start(string level, bool trustLoopback = false) => TestApp.StartAsync(
        new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Health:DetailLevel"] = level,
            ["SigcerhTelemetry:Health:DetailKey"] = Key,
            ["SigcerhTelemetry:Health:TrustLoopback"] = trustLoopback ? "true" : "false",
        },
        b =>
        {
            b.Services.AddSingleton<IDiskSpaceProbe>(new FakeDiskProbe(82.5));
            b.Services.AddSingleton<IMemoryProbe>(new FakeMemoryProbe(10));
        });

    private static async Task<System.Text.Json.JsonElement> Disk(Uri baseAddress, params (string Name, string Value)[] headers)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await client.SendAsync(request);
        var body = Json.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        return Json.Check(body, HealthNames.Disk);
    }

    private static bool HasDetail(System.Text.Json.JsonElement check) =>
        check.TryGetProperty("description", out _) || check.TryGetProperty("data", out _);

    [Fact]
    public async Task Restricted_by_default_shows_descriptions_only_to_callers_with_the_key()
    {
        await using var app = await Start("Restricted");

        var local = await Disk(app.BaseAddress);
        var wrongSameLength = await Disk(app.BaseAddress, ("X-Health-Key", "clave-de-prueba-9876543210"));
        var wrongShorter = await Disk(app.BaseAddress, ("X-Health-Key", "clave"));
        var prefixOfKey = await Disk(app.BaseAddress, ("X-Health-Key", Key[..^1]));
        var withKey = await Disk(app.BaseAddress, ("X-Health-Key", Key), ("X-Forwarded-For", "203.0.113.7"));

        Assert.False(HasDetail(local), "loopback is not trusted unless TrustLoopback is on");
        Assert.False(HasDetail(wrongSameLength));
        Assert.False(HasDetail(wrongShorter));
        Assert.False(HasDetail(prefixOfKey));
        Assert.Equal(82.5, withKey.GetProperty("data").GetProperty("usedPercent").GetDouble());
        Assert.True(withKey.TryGetProperty("description", out _));
    }

    [Fact]
    public async Task With_TrustLoopback_a_loopback_caller_without_forwarding_headers_sees_descriptions()
    {
        await using var app = await Start("Restricted", trustLoopback: true);

        var local = await Disk(app.BaseAddress);

        Assert.Equal(82.5, local.GetProperty("data").GetProperty("usedPercent").GetDouble());
        Assert.True(local.TryGetProperty("description", out _));
    }

    [Theory]
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("x-real-ip", "203.0.113.7")]
    [InlineData("X-Forwarded-Host", "certificados.example")]
    [InlineData("X-Forwarded-Proto", "https")]
    [InlineData("X-Original-For", "203.0.113.7:5123")]
    [InlineData("True-Client-IP", "203.0.113.7")]
    [InlineData("CF-Connecting-IP", "203.0.113.7")]
    [InlineData("Fastly-Client-IP", "203.0.113.7")]
    [InlineData("X-Client-IP", "203.0.113.7")]
    [InlineData("X-Cluster-Client-IP", "203.0.113.7")]
    [InlineData("Via", "1.1 proxy")]
    [InlineData("Forwarded", "")]
    public async Task With_TrustLoopback_any_forwarding_header_hides_descriptions_from_loopback(string header, string value)
    {
        await using var app = await Start("Restricted", trustLoopback: true);

        var proxied = await Disk(app.BaseAddress, (header, value));

        Assert.False(HasDetail(proxied), header);
        Assert.Equal("Degraded", proxied.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Behind_a_real_nginx_no_proxy_style_shows_descriptions_without_the_key()
    {
        await using var app = await Start("Restricted");
        await using var nginx = await NginxProxy.StartAsync(app.BaseAddress);

        foreach (var (style, uri) in nginx.Servers)
        {
            Assert.False(HasDetail(await Disk(uri)), style);
        }

        var withKey = await Disk(nginx.Servers["bare"], ("X-Health-Key", Key));
        Assert.Equal(82.5, withKey.GetProperty("data").GetProperty("usedPercent").GetDouble());
    }

    [Fact]
    public async Task Behind_a_real_nginx_with_TrustLoopback_headers_are_caught_but_a_bare_proxy_pass_is_not()
    {
        await using var app = await Start("Restricted", trustLoopback: true);
        await using var nginx = await NginxProxy.StartAsync(app.BaseAddress);

        var realIp = await Disk(nginx.Servers["real-ip"]);
        var forwardedFor = await Disk(nginx.Servers["forwarded-for"]);
        var bare = await Disk(nginx.Servers["bare"]);

        Assert.False(HasDetail(realIp));
        Assert.False(HasDetail(forwardedFor));
        // The reason TrustLoopback is off by default: a bare proxy_pass sends nothing that tells it from a local caller.
        Assert.True(HasDetail(bare));
    }

    [Fact]
    public async Task Full_shows_descriptions_to_everyone()
    {
        await using var app = await Start("Full");

        var proxied = await Disk(app.BaseAddress, ("X-Forwarded-For", "203.0.113.7"));

        Assert.Contains("82.5%", proxied.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
