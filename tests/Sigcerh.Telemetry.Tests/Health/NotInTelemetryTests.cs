using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Trace;
using Sigcerh.Telemetry.Health;
using Sigcerh.Telemetry.Tests.TestHost;
using Sigcerh.Testing;

namespace Sigcerh.Telemetry.Tests.Health;

public class NotInTelemetryTests
{
    [Fact]
    public async Task Health_requests_produce_no_spans_not_even_from_their_PostgreSQL_and_HTTP_checks_and_no_Information_logs()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        using var ocr = new OkListener();
        var spans = new List<Activity>();
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:ServiceName"] = "sigcerh-backend",
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:Health:BasePath"] = "/api/health",
                ["SigcerhTelemetry:Health:CacheSeconds"] = "0",
                ["SigcerhTelemetry:Health:HttpDependencies:0:Name"] = "sigcerh-ocr",
                ["SigcerhTelemetry:Health:HttpDependencies:0:Url"] = ocr.Url,
            },
            b =>
            {
                b.Services.AddSingleton(_ => NpgsqlDataSource.Create(cluster.ConnectionString));
                b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            },
            map: a => a.MapGet("/api/ping", () => "pong"));
        try
        {
            foreach (var path in new[] { "/api/health", "/api/health/live", "/api/health/ready", "/api/health" })
            {
                var response = await app.Client.GetAsync(new Uri(path, UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var body = Json.Parse(await app.Client.GetStringAsync(new Uri("/api/health", UriKind.Relative)));
            Assert.Equal("Healthy", Json.Check(body, HealthNames.PostgreSql).GetProperty("status").GetString());
            Assert.Equal("Healthy", Json.Check(body, "sigcerh-ocr").GetProperty("status").GetString());
            Assert.Equal("pong", await app.Client.GetStringAsync(new Uri("/api/ping", UriKind.Relative)));
        }
        finally
        {
            await app.StopAsync();
        }

        Activity[] exported;
        lock (spans)
        {
            exported = [.. spans];
        }

        Assert.True(ocr.Requests >= 4, $"the OCR dependency saw {ocr.Requests} requests");
        var seen = string.Join("; ", exported.Select(s => $"{s.Source.Name} {s.Kind} {s.DisplayName} {s.GetTagItem("url.full") ?? s.GetTagItem("url.path")}"));

        // The test's own HttpClient calls into the app are client spans of this process too; leave them out.
        var appSpans = exported.Where(s => !(s.Kind == ActivityKind.Client && (s.GetTagItem("url.full") as string ?? string.Empty).StartsWith(app.BaseAddress.ToString(), StringComparison.Ordinal))).ToArray();

        // The ping span proves spans are captured at all.
        Assert.Contains(appSpans, s => Equals(s.GetTagItem("http.route"), "/api/ping"));
        Assert.True(appSpans.Length == 1, seen);
        Assert.DoesNotContain(exported, s => s.Source.Name == "Npgsql");
        Assert.DoesNotContain(exported, s => (s.GetTagItem("url.full") as string ?? string.Empty).StartsWith(ocr.Url, StringComparison.Ordinal));

        var records = LogRecords(app.LogDirectory);
        var information = records.Where(r => !r.TryGetProperty("@l", out _)).Select(r => r.GetRawText()).ToArray();
        Assert.Contains(information, l => l.Contains("/api/ping", StringComparison.Ordinal));
        Assert.DoesNotContain(information, l => l.Contains("health", StringComparison.OrdinalIgnoreCase));
        Directory.Delete(app.ContentRoot, recursive: true);
    }

    [Fact]
    public async Task A_failing_check_logs_its_exception_under_the_trace_id_shown_in_the_body_and_the_body_holds_no_secret()
    {
        const string secret = "Password=s3cr3t-value;Host=db.internal";
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:Health:DetailLevel"] = "Full",
            },
            b =>
            {
                b.Services.AddSingleton<IDiskSpaceProbe>(new FakeDiskProbe(10));
                b.Services.AddSingleton<IMemoryProbe>(new FakeMemoryProbe(10));
                b.Services.AddHealthChecks()
                    .AddCheck("copies_message", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy(
                        "Connection failed: " + secret, new InvalidOperationException("Connection failed: " + secret)))
                    .AddCheck<ThrowingCheck>("throws");
            });
        string text;
        try
        {
            var response = await app.Client.GetAsync(new Uri("/health", UriKind.Relative));
            text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }

        foreach (var leak in new[] { "s3cr3t", "db.internal", "Password", "InvalidOperationException", "   at ", app.ContentRoot })
        {
            Assert.DoesNotContain(leak, text, StringComparison.OrdinalIgnoreCase);
        }

        var body = Json.Parse(text);
        var records = LogRecords(app.LogDirectory);
        foreach (var name in new[] { "copies_message", "throws" })
        {
            var check = Json.Check(body, name);
            Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
            var traceId = check.GetProperty("traceId").GetString();
            var logged = records.Where(r => r.TryGetProperty("HealthCheck", out var h) && h.GetString() == name).ToArray();
            var record = Assert.Single(logged);
            Assert.Equal("Error", record.GetProperty("@l").GetString());
            Assert.Equal(traceId, record.GetProperty("@tr").GetString());
            Assert.Contains("s3cr3t", record.GetProperty("@x").GetString(), StringComparison.Ordinal);
        }

        Directory.Delete(app.ContentRoot, recursive: true);
    }

    internal static JsonElement[] LogRecords(string directory) =>
        [.. Directory.GetFiles(directory, "*.json")
            .SelectMany(File.ReadAllLines)
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement)];

    private sealed class ThrowingCheck : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
    {
        public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
            Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("Cannot reach Host=db.internal with Password=s3cr3t-value");
    }
}
