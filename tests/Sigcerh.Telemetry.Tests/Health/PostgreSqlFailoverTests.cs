using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Sigcerh.Telemetry.Health;
using Sigcerh.Telemetry.Tests.TestHost;
using Sigcerh.Testing;

namespace Sigcerh.Telemetry.Tests.Health;

public class PostgreSqlFailoverTests
{
    [Fact]
    public async Task Endpoint_follows_a_real_PostgreSQL_going_down_and_coming_back_without_leaking_the_connection_string()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        var cs = cluster.ConnectionString;
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:Main"] = cs,
                ["SigcerhTelemetry:ServiceName"] = "sigcerh-backend",
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:Health:BasePath"] = "/api/health",
                ["SigcerhTelemetry:Health:PostgreSqlConnectionStringName"] = "Main",
                ["SigcerhTelemetry:Health:CacheSeconds"] = "1",
                ["SigcerhTelemetry:Health:CheckTimeoutSeconds"] = "3",
                ["SigcerhTelemetry:Health:EndpointTimeoutSeconds"] = "5",
                ["SigcerhTelemetry:Health:DetailLevel"] = "Full",
            },
            b =>
            {
                b.Services.AddSingleton<IDiskSpaceProbe>(new FakeDiskProbe(10));
                b.Services.AddSingleton<IMemoryProbe>(new FakeMemoryProbe(10));
            });

        // 1. Up: 200 Healthy, with connections against the maximum.
        var up = await app.Client.GetAsync(new Uri("/api/health/ready", UriKind.Relative));
        var upBody = Json.Parse(await up.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        var pg = Json.Check(upBody, HealthNames.PostgreSql);
        Assert.Equal("Healthy", pg.GetProperty("status").GetString());
        Assert.Equal(100, pg.GetProperty("data").GetProperty("max").GetInt32());
        Assert.InRange(pg.GetProperty("data").GetProperty("connections").GetInt32(), 1, 100);

        // 2. Down mid-test: 503 within the endpoint bound, naming the check, leaking nothing.
        await cluster.StopAsync();
        var (down, downText, elapsed) = await WaitForStatus(app, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down);
        Assert.True(elapsed < TimeSpan.FromSeconds(5 + 2), $"the failing probe took {elapsed}");
        var downBody = Json.Parse(downText);
        var failed = Json.Check(downBody, HealthNames.PostgreSql);
        Assert.Equal("Unhealthy", failed.GetProperty("status").GetString());
        Assert.Matches("^[0-9a-f]{32}$", failed.GetProperty("traceId").GetString());
        var builder = new NpgsqlConnectionStringBuilder(cs);
        foreach (var secret in new[] { cs, PostgresCluster.Password, "Password", "Host=", "Username", app.ContentRoot, "Exception", "   at ", "refused", "127.0.0.1:" + builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            Assert.DoesNotContain(secret, downText, StringComparison.OrdinalIgnoreCase);
        }

        // 3. Back: 200 again.
        await cluster.StartAsync();
        var (back, backText, _) = await WaitForStatus(app, HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, back);
        Assert.Equal("Healthy", Json.Check(Json.Parse(backText), HealthNames.PostgreSql).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_registered_NpgsqlDataSource_is_found_even_when_added_after_AddSigcerhTelemetry()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false" },
            b => b.Services.AddSingleton(_ => NpgsqlDataSource.Create(cluster.ConnectionString)));

        var body = Json.Parse(await app.Client.GetStringAsync(new Uri("/health/ready", UriKind.Relative)));

        Assert.Equal("Healthy", Json.Check(body, HealthNames.PostgreSql).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Without_a_data_source_or_connection_string_there_is_no_PostgreSQL_check()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false" });

        var body = Json.Parse(await app.Client.GetStringAsync(new Uri("/health", UriKind.Relative)));

        Assert.DoesNotContain(HealthNames.PostgreSql, Json.CheckNames(body));
    }

    private static async Task<(HttpStatusCode Status, string Body, TimeSpan Elapsed)> WaitForStatus(TestApp app, HttpStatusCode wanted, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var sw = Stopwatch.StartNew();
            var response = await app.Client.GetAsync(new Uri("/api/health", UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == wanted || deadline.Elapsed > within)
            {
                return (response.StatusCode, text, sw.Elapsed);
            }

            await Task.Delay(250);
        }
    }
}
