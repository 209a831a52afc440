using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Sigcerh.Telemetry.Health;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Health;

public class HealthEndpointTests
{
    private static Dictionary<string, string?> Config(params (string Key, string Value)[] extra)
    {
        var c = new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:ServiceName"] = "sigcerh-backend",
            ["SigcerhTelemetry:ServiceVersion"] = "1.4.2",
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Health:TrustLoopback"] = "true", // these tests read descriptions from loopback
        };
        foreach (var (k, v) in extra)
        {
            c[k] = v;
        }

        return c;
    }

    private static Action<WebApplicationBuilder> Probes(double disk = 40, double memory = 50) => b =>
    {
        b.Services.AddSingleton<IDiskSpaceProbe>(new FakeDiskProbe(disk));
        b.Services.AddSingleton<IMemoryProbe>(new FakeMemoryProbe(memory));
    };

    [Fact]
    public async Task Default_health_endpoint_answers_200_with_the_documented_body_and_no_store()
    {
        await using var app = await TestApp.StartAsync(Config(), Probes());

        var response = await app.Client.GetAsync(new Uri("/health", UriKind.Relative));
        var body = Json.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("sigcerh-backend", body.GetProperty("service").GetString());
        Assert.Equal("1.4.2", body.GetProperty("version").GetString());
        Assert.True(body.GetProperty("uptimeSeconds").GetDouble() >= 0);
        Assert.True(body.GetProperty("checkedAt").TryGetDateTimeOffset(out _));
        Assert.Equal(
            new[] { HealthNames.Disk, HealthNames.LogFile, HealthNames.Memory, HealthNames.OtlpExport },
            Json.CheckNames(body).Order(StringComparer.Ordinal));
        var disk = Json.Check(body, HealthNames.Disk);
        Assert.Equal("Healthy", disk.GetProperty("status").GetString());
        Assert.True(disk.GetProperty("durationMs").GetDouble() >= 0);
        Assert.Equal(40, disk.GetProperty("data").GetProperty("usedPercent").GetDouble(), 1);
        Assert.False(string.IsNullOrEmpty(disk.GetProperty("description").GetString()));
    }

    [Fact]
    public async Task Live_runs_process_checks_and_ready_runs_dependency_checks()
    {
        await using var app = await TestApp.StartAsync(Config(), Probes());

        var live = Json.Parse(await app.Client.GetStringAsync(new Uri("/health/live", UriKind.Relative)));
        var ready = Json.Parse(await app.Client.GetStringAsync(new Uri("/health/ready", UriKind.Relative)));

        Assert.Equal(new[] { HealthNames.LogFile, HealthNames.Memory, HealthNames.OtlpExport }, Json.CheckNames(live).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { HealthNames.Disk }, Json.CheckNames(ready));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(new Uri("/health/other", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Degraded_answers_200_and_unhealthy_answers_503()
    {
        var memory = new FakeMemoryProbe(90);
        await using var app = await TestApp.StartAsync(
            Config(("SigcerhTelemetry:Health:CacheSeconds", "0")),
            b =>
            {
                b.Services.AddSingleton<IDiskSpaceProbe>(new FakeDiskProbe(10));
                b.Services.AddSingleton<IMemoryProbe>(memory);
            });

        var degraded = await app.Client.GetAsync(new Uri("/health/live", UriKind.Relative));
        memory.UsedPercent = 96;
        var unhealthy = await app.Client.GetAsync(new Uri("/health/live", UriKind.Relative));
        var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
        Assert.Equal("Degraded", Json.Parse(await degraded.Content.ReadAsStringAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
        var body = Json.Parse(await unhealthy.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", Json.Check(body, HealthNames.Memory).GetProperty("status").GetString());
        Assert.Equal("no-store", unhealthy.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Base_path_api_health_works_and_the_default_path_is_then_free()
    {
        await using var app = await TestApp.StartAsync(Config(("SigcerhTelemetry:Health:BasePath", "/api/health")), Probes());

        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(new Uri("/api/health", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(new Uri("/api/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(new Uri("/api/health/ready", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Head_answers_status_without_a_body()
    {
        await using var app = await TestApp.StartAsync(Config(), Probes(memory: 99));

        using var request = new HttpRequestMessage(HttpMethod.Head, "/health");
        var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Explicit_MapSigcerhHealth_serves_the_paths_and_the_startup_filter_stops_answering()
    {
        await using var app = await TestApp.StartAsync(
            Config(("SigcerhTelemetry:Health:BasePath", "/api/health")),
            Probes(),
            map: a => a.MapSigcerhHealth().Add(e =>
            {
                var inner = e.RequestDelegate!;
                e.RequestDelegate = ctx =>
                {
                    ctx.Response.Headers["X-Mapped-Explicitly"] = "1";
                    return inner(ctx);
                };
            }));

        foreach (var path in new[] { "/api/health", "/api/health/live", "/api/health/ready" })
        {
            var response = await app.Client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.Contains("X-Mapped-Explicitly"), path + " was answered by the startup-filter middleware");
            Assert.Equal("Healthy", Json.Parse(await response.Content.ReadAsStringAsync()).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Disabled_health_serves_nothing_unless_mapped()
    {
        await using var app = await TestApp.StartAsync(Config(("SigcerhTelemetry:Health:Enabled", "false")), Probes());

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Checks_added_with_AddHealthChecks_appear_and_count()
    {
        await using var app = await TestApp.StartAsync(
            Config(),
            b =>
            {
                Probes()(b);
                b.Services.AddHealthChecks().AddCheck("queue", () => HealthCheckResult.Unhealthy("queue stuck"), tags: ["ready"]);
            });

        var response = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var live = await app.Client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("queue stuck", Json.Check(Json.Parse(await response.Content.ReadAsStringAsync()), "queue").GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Each_check_status_is_exported_as_sigcerh_health_status()
    {
        await using var app = await TestApp.StartAsync(Config(("SigcerhTelemetry:Health:BackgroundIntervalSeconds", "0")), Probes(disk: 85, memory: 99));
        using var collector = new MetricCollector<double>(app.Services.GetRequiredService<IMeterFactory>(), "Sigcerh.Telemetry", HealthNames.MetricName);

        await app.Client.GetAsync(new Uri("/health", UriKind.Relative));
        collector.RecordObservableInstruments();

        var values = collector.GetMeasurementSnapshot()
            .ToDictionary(m => (string)m.Tags[HealthNames.MetricAttribute]!, m => m.Value);
        Assert.Equal(0.5, values[HealthNames.Disk]);
        Assert.Equal(0, values[HealthNames.Memory]);
        Assert.Equal(1, values[HealthNames.LogFile]);
        Assert.Equal(1, values[HealthNames.OtlpExport]);
        Assert.Single(collector.GetMeasurementSnapshot()[0].Tags);
    }

    [Fact]
    public async Task Background_monitor_keeps_the_metric_current_without_probes()
    {
        await using var app = await TestApp.StartAsync(Config(("SigcerhTelemetry:Health:BackgroundIntervalSeconds", "1")), Probes(memory: 99));
        using var collector = new MetricCollector<double>(app.Services.GetRequiredService<IMeterFactory>(), "Sigcerh.Telemetry", HealthNames.MetricName);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        double? memory = null;
        while (memory is null && DateTime.UtcNow < deadline)
        {
            collector.RecordObservableInstruments();
            memory = collector.GetMeasurementSnapshot()
                .Where(m => (string?)m.Tags[HealthNames.MetricAttribute] == HealthNames.Memory)
                .Select(m => (double?)m.Value).LastOrDefault();
            await Task.Delay(100);
        }

        Assert.Equal(0, memory);
    }
}
