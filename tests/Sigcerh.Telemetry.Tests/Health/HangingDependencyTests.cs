using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sigcerh.Telemetry.Health;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Health;

public class HangingDependencyTests
{
    private static Action<WebApplicationBuilder> Probes(Action<WebApplicationBuilder>? more = null) => b =>
    {
        b.Services.AddSingleton<IDiskSpaceProbe>(new FakeDiskProbe(10));
        b.Services.AddSingleton<IMemoryProbe>(new FakeMemoryProbe(10));
        more?.Invoke(b);
    };

    [Fact]
    public async Task Two_hundred_concurrent_probes_against_a_hanging_dependency_finish_within_the_bound_and_check_it_once()
    {
        using var ocr = new HangingListener();
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:Health:CacheSeconds"] = "60",
                ["SigcerhTelemetry:Health:CheckTimeoutSeconds"] = "2",
                ["SigcerhTelemetry:Health:EndpointTimeoutSeconds"] = "3",
                ["SigcerhTelemetry:Health:HttpDependencies:0:Name"] = "sigcerh-ocr",
                ["SigcerhTelemetry:Health:HttpDependencies:0:Url"] = ocr.Url,
            },
            Probes());
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        var sw = Stopwatch.StartNew();
        var probes = Enumerable.Range(0, 200).Select(async i =>
        {
            var started = sw.Elapsed;
            var response = await client.GetAsync(new Uri(i % 2 == 0 ? "/health" : "/health/ready", UriKind.Relative));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(), Took: sw.Elapsed - started);
        }).ToArray();
        var results = await Task.WhenAll(probes);

        // The endpoint bound is 3 s; generous slack for a loaded 2-core machine, far below the 30 s client timeout.
        Assert.All(results, r => Assert.True(r.Took < TimeSpan.FromSeconds(3 + 4), $"a probe took {r.Took}"));
        Assert.All(results, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        var check = Json.Check(Json.Parse(results[0].Body), "sigcerh-ocr");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Equal(1, ocr.Accepted);

        // Later probes within the window reuse the result and do not touch the dependency.
        var again = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
        Assert.Equal(1, ocr.Accepted);
    }

    [Fact]
    public async Task An_optional_dependency_only_degrades_and_the_url_stays_out_of_the_body()
    {
        using var ocr = new HangingListener();
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:Health:HttpDependencies:0:Name"] = "sigcerh-ocr",
                ["SigcerhTelemetry:Health:HttpDependencies:0:Url"] = ocr.Url,
                ["SigcerhTelemetry:Health:HttpDependencies:0:TimeoutSeconds"] = "1",
                ["SigcerhTelemetry:Health:HttpDependencies:0:Required"] = "false",
            },
            Probes());

        var response = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Degraded", Json.Check(Json.Parse(text), "sigcerh-ocr").GetProperty("status").GetString());
        Assert.DoesNotContain(ocr.Url, text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:" + ocr.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_healthy_dependency_is_checked_with_a_GET_on_its_health_url()
    {
        await using var ocr = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["SigcerhTelemetry:ServiceName"] = "sigcerh-ocr", ["SigcerhTelemetry:Logging:Console"] = "false" },
            Probes());
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:Health:HttpDependencies:0:Name"] = "sigcerh-ocr",
                ["SigcerhTelemetry:Health:HttpDependencies:0:Url"] = new Uri(ocr.BaseAddress, "/health").ToString(),
                ["SigcerhTelemetry:Health:TrustLoopback"] = "true",
            },
            Probes());

        var body = Json.Parse(await app.Client.GetStringAsync(new Uri("/health/ready", UriKind.Relative)));

        var check = Json.Check(body, "sigcerh-ocr");
        Assert.Equal("Healthy", check.GetProperty("status").GetString());
        Assert.Equal(200, check.GetProperty("data").GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task A_check_that_ignores_its_timeout_is_never_started_twice_and_probes_do_not_queue()
    {
        var hang = new IgnoringCheck();
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:Health:CacheSeconds"] = "0",
                ["SigcerhTelemetry:Health:CheckTimeoutSeconds"] = "1",
                ["SigcerhTelemetry:Health:EndpointTimeoutSeconds"] = "2",
            },
            Probes(b => b.Services.AddHealthChecks().AddCheck("database", hang, tags: ["ready"])));

        try
        {
            for (var round = 0; round < 3; round++)
            {
                var sw = Stopwatch.StartNew();
                var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative))));
                Assert.All(responses, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2 + 4), $"round {round} took {sw.Elapsed}");
            }

            Assert.Equal(1, hang.Started);
        }
        finally
        {
            hang.Release();
        }
    }

    private sealed class IgnoringCheck : IHealthCheck
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public void Release() => _release.TrySetResult();

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _started);
            await _release.Task; // deliberately ignores cancellationToken, like a driver stuck in a blocking call
            return HealthCheckResult.Healthy();
        }
    }
}
