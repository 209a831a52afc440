using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Tests.TestHost;
using Sigcerh.Testing;

namespace Sigcerh.Telemetry.Tests.Export;

/// <summary>Export of all three signals to a real OTLP receiver: the standalone Aspire dashboard.</summary>
[Collection(RealServers.Name)]
public sealed class OtlpExportTests(RealServers servers)
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task A_request_arrives_as_one_resource_with_server_client_and_npgsql_spans_and_correlated_logs(string protocol)
    {
        await using var dashboard = await AspireDashboard.StartNewAsync();
        var endpoint = protocol == "grpc" ? dashboard.OtlpGrpcEndpoint : dashboard.OtlpHttpEndpoint;
        var service = "sigcerh-export-" + protocol.Replace('/', '-');
        await using var app = await StartOrderApp(service, endpoint, protocol);

        using var response = await app.Client.GetAsync(new Uri("/orders/42", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        var spans = await AspireDashboard.WaitForAsync(
            async () =>
            {
                var all = OtlpJson.Spans(await dashboard.GetTracesAsync()).Where(s => s.Service == service).ToList();
                return all.Any(s => s.Attributes.GetValueOrDefault("http.route") == "/orders/{id}") && all.Any(s => s.Attributes.ContainsKey("db.system.name") || s.Attributes.ContainsKey("db.system"))
                    && all.Count(s => s.Kind == 3) >= 2 ? all : null;
            },
            TimeSpan.FromSeconds(30),
            "server, client and database spans");

        var server = Assert.Single(spans, s => s.Attributes.GetValueOrDefault("http.route") == "/orders/{id}");
        var trace = spans.Where(s => s.TraceId == server.TraceId).ToList();
        Assert.Contains(trace, s => s.ParentSpanId == server.SpanId && s.Attributes.ContainsKey("url.full") && s.Attributes["url.full"].Contains("/inventory", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.Attributes.ContainsKey("db.system.name") || s.Attributes.ContainsKey("db.system"));
        // The log sink's own export calls are not traced.
        Assert.DoesNotContain(spans, s => s.Attributes.GetValueOrDefault("url.full", string.Empty).Contains("/v1/", StringComparison.Ordinal));

        var logs = await AspireDashboard.WaitForAsync(
            async () =>
            {
                var all = OtlpJson.Logs(await dashboard.GetLogsAsync()).Where(l => l.Service == service).ToList();
                return all.Any(l => l.Body.Contains("Loading order", StringComparison.Ordinal)) ? all : null;
            },
            TimeSpan.FromSeconds(30),
            "the endpoint's log record");
        var orderLog = logs.First(l => l.Body.Contains("Loading order", StringComparison.Ordinal));
        Assert.Equal(server.TraceId, orderLog.TraceId);

        // Metrics need a round of export too, so the resource shows all three signals.
        var resource = await AspireDashboard.WaitForAsync(
            async () =>
            {
                var mine = (await dashboard.GetResourcesAsync()).EnumerateArray()
                    .Where(r => r.GetProperty("name").GetString()!.StartsWith(service, StringComparison.Ordinal)).ToList();
                return mine.Count >= 1 && mine.All(r => r.GetProperty("hasMetrics").GetBoolean()) ? mine : null;
            },
            TimeSpan.FromSeconds(30),
            "metrics on the resource");
        var single = Assert.Single(resource);
        Assert.True(single.GetProperty("hasLogs").GetBoolean());
        Assert.True(single.GetProperty("hasTraces").GetBoolean());

        var traceJson = await dashboard.GetTracesAsync();
        var rs = traceJson.GetProperty("data").GetProperty("resourceSpans").EnumerateArray()
            .First(r => OtlpJson.ResourceAttributes(r).GetValueOrDefault("service.name") == service);
        var attributes = OtlpJson.ResourceAttributes(rs);
        Assert.Equal("sigcerh", attributes["service.namespace"]);
        Assert.Equal("production", attributes["deployment.environment.name"]);
        Assert.Equal(Environment.MachineName, attributes["host.name"]);
        Assert.False(string.IsNullOrEmpty(attributes["service.version"]));
        Assert.True(Guid.TryParse(attributes["service.instance.id"], out _));
    }

    [Fact]
    public async Task With_the_receiver_stopped_the_app_keeps_answering_counts_drops_and_resumes_export_after_restart()
    {
        var dashboard = await AspireDashboard.StartNewAsync();
        try
        {
            await using var app = await StartOrderApp("sigcerh-outage", dashboard.OtlpGrpcEndpoint, "grpc", withDatabase: false);
            await dashboard.StopAsync();

            for (var i = 0; i < 20; i++)
            {
                using var r = await app.Client.GetAsync(new Uri("/ping", UriKind.Relative));
                Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode);
            }

            var drops = app.Services.GetRequiredService<TelemetryDropCounter>();
            await AspireDashboard.WaitForAsync(() => Task.FromResult(drops.Total > 0 ? "dropped" : null), TimeSpan.FromSeconds(30), "drops to be counted");
            Assert.NotNull(drops.LastDropAt);

            await dashboard.StartAsync();
            using (await app.Client.GetAsync(new Uri("/ping?after=restart", UriKind.Relative)))
            {
            }

            await AspireDashboard.WaitForAsync(
                async () => OtlpJson.Spans(await dashboard.GetTracesAsync()).Any(s => s.Service == "sigcerh-outage") ? "spans" : null,
                TimeSpan.FromSeconds(30),
                "spans after the receiver came back");
            await AspireDashboard.WaitForAsync(
                async () => OtlpJson.Logs(await dashboard.GetLogsAsync()).Any(l => l.Service == "sigcerh-outage") ? "logs" : null,
                TimeSpan.FromSeconds(30),
                "logs after the receiver came back");
        }
        finally
        {
            await dashboard.DisposeAsync();
        }
    }

    private async Task<TestApp> StartOrderApp(string service, Uri endpoint, string protocol, bool withDatabase = true)
    {
        var config = new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:ServiceName"] = service,
            ["SigcerhTelemetry:Otlp:Endpoint"] = endpoint.ToString(),
            ["SigcerhTelemetry:Otlp:Protocol"] = protocol,
            ["SigcerhTelemetry:Otlp:ExportDelayMilliseconds"] = "200",
            ["SigcerhTelemetry:Otlp:TimeoutSeconds"] = "2",
            ["SigcerhTelemetry:Metrics:ExportIntervalSeconds"] = "1",
        };
        // Without a database the data source still exists (the endpoint needs it) but is never opened.
        var connectionString = withDatabase ? (await servers.PostgresAsync()).ConnectionString : "Host=127.0.0.1;Port=1";
        return await TestApp.StartAsync(
            config,
            b =>
            {
                b.Services.AddHttpClient("inventory");
                b.Services.AddSingleton(NpgsqlDataSource.Create(connectionString));
            },
            app =>
            {
                app.MapGet("/ping", () => "pong");
                app.MapGet("/inventory/{id}", (int id) => Results.Ok(new { id, stock = 3 }));
                app.MapGet("/orders/{id}", async (int id, IHttpClientFactory http, NpgsqlDataSource db, ILogger<OtlpExportTests> log, HttpContext ctx) =>
                {
                    log.LogInformation("Loading order {OrderId}", id);
                    var client = http.CreateClient("inventory");
                    var stock = await client.GetStringAsync(new Uri($"{ctx.Request.Scheme}://{ctx.Request.Host}/inventory/{id}"));
                    await using var cmd = db.CreateCommand("select count(*) from pg_stat_activity");
                    var n = await cmd.ExecuteScalarAsync();
                    return Results.Ok(new { id, stock, n });
                });
            });
    }
}
