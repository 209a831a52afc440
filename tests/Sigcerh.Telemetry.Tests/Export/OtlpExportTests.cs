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

        // The SDK's default detectors stay, on logs as on spans.
        Assert.Equal("opentelemetry", attributes["telemetry.sdk.name"]);
        Assert.Equal("ugel norte", attributes["team"]);
        Assert.Equal("dotnet", attributes["telemetry.sdk.language"]);
        Assert.False(string.IsNullOrEmpty(attributes["telemetry.sdk.version"]));
        var logJson = await dashboard.GetLogsAsync();
        var rl = logJson.GetProperty("data").GetProperty("resourceLogs").EnumerateArray()
            .First(r => OtlpJson.ResourceAttributes(r).GetValueOrDefault("service.name") == service);
        Assert.Equal(attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal), OtlpJson.ResourceAttributes(rl).OrderBy(kv => kv.Key, StringComparer.Ordinal));
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

    [Theory]
    [InlineData("TRACES")]
    [InlineData("LOGS")]
    [InlineData("METRICS")]
    public async Task A_signal_specific_endpoint_sends_only_that_signal_to_it_while_the_others_go_to_the_base_endpoint(string signal)
    {
        await using var dashboard = await AspireDashboard.StartNewAsync();
        var service = "sigcerh-only-" + signal.ToLowerInvariant();
        await using var app = await StartSignalApp(service, new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePort.Next()}", // nobody listens there
            [$"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"] = dashboard.OtlpGrpcEndpoint.ToString(),
        });

        var resource = await WaitForResource(dashboard, app, service, signal);
        Assert.Equal(signal == "TRACES", resource.GetProperty("hasTraces").GetBoolean());
        Assert.Equal(signal == "LOGS", resource.GetProperty("hasLogs").GetBoolean());
        Assert.Equal(signal == "METRICS", resource.GetProperty("hasMetrics").GetBoolean());

        // The other two signals went to the dead base endpoint: counted as dropped, never at the receiver.
        var drops = app.Services.GetRequiredService<TelemetryDropCounter>();
        var others = TelemetrySignal.All.Where(s => !string.Equals(s, signal, StringComparison.OrdinalIgnoreCase)).ToList();
        await AspireDashboard.WaitForAsync(
            async () =>
            {
                await Ping(app);
                return others.All(s => drops.Dropped(s) > 0) ? "dropped" : null;
            },
            TimeSpan.FromSeconds(60),
            "the other signals to be dropped at the dead base endpoint");
        Assert.Equal(0, drops.Dropped(signal.ToLowerInvariant()));
        resource = Single(await dashboard.GetResourcesAsync(), service);
        Assert.Equal(signal == "TRACES", resource.GetProperty("hasTraces").GetBoolean());
        Assert.Equal(signal == "LOGS", resource.GetProperty("hasLogs").GetBoolean());
    }

    [Fact]
    public async Task A_signal_specific_protocol_and_verbatim_endpoint_send_traces_over_http_while_logs_use_grpc()
    {
        await using var dashboard = await AspireDashboard.StartNewAsync();
        const string service = "sigcerh-protocol-per-signal";
        await using var app = await StartSignalApp(service, new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePort.Next()}", // nobody listens there
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = dashboard.OtlpGrpcEndpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = new Uri(dashboard.OtlpHttpEndpoint, "/v1/traces").ToString(),
        });

        var resource = await WaitForResource(dashboard, app, service, "TRACES", "LOGS");
        Assert.True(resource.GetProperty("hasTraces").GetBoolean());
        Assert.True(resource.GetProperty("hasLogs").GetBoolean());
        Assert.Equal(0, app.Services.GetRequiredService<TelemetryDropCounter>().Dropped(TelemetrySignal.Traces));
    }

    [Fact]
    public async Task Signal_specific_headers_carry_the_receivers_api_key_for_that_signal_only()
    {
        const string key = "clave-otlp-de-prueba-0123456789";
        await using var dashboard = await AspireDashboard.StartNewAsync(otlpApiKey: key);
        const string service = "sigcerh-headers-per-signal";
        await using var app = await StartSignalApp(service, new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpGrpcEndpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_HEADERS"] = $"{AspireDashboard.ApiKeyHeader}=wrong-key",
            ["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] = $"{AspireDashboard.ApiKeyHeader}={key}",
        });

        var resource = await WaitForResource(dashboard, app, service, "LOGS");
        var drops = app.Services.GetRequiredService<TelemetryDropCounter>();
        await AspireDashboard.WaitForAsync(
            async () =>
            {
                await Ping(app);
                return drops.Dropped(TelemetrySignal.Traces) > 0 && drops.Dropped(TelemetrySignal.Metrics) > 0 ? "rejected" : null;
            },
            TimeSpan.FromSeconds(60),
            "traces and metrics with the wrong key to be rejected");
        resource = Single(await dashboard.GetResourcesAsync(), service);
        Assert.True(resource.GetProperty("hasLogs").GetBoolean());
        Assert.False(resource.GetProperty("hasTraces").GetBoolean());
        Assert.False(resource.GetProperty("hasMetrics").GetBoolean());
        Assert.Equal(0, drops.Dropped(TelemetrySignal.Logs));
    }

    [Fact]
    public async Task OTEL_EXPORTER_OTLP_CERTIFICATE_lets_the_exporter_trust_a_collector_with_a_private_certificate()
    {
        var dir = Directory.CreateTempSubdirectory("sigcerh-tls-");
        try
        {
            var (cert, key) = SelfSignedPem(dir.FullName);
            await using var dashboard = await AspireDashboard.StartNewAsync(tls: (cert, key));
            Assert.Equal("https", dashboard.OtlpGrpcEndpoint.Scheme);

            // Without the variable the private certificate is not trusted: every export fails and is counted.
            await using (var untrusting = await StartSignalApp("sigcerh-tls-untrusted", new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpGrpcEndpoint.ToString() }))
            {
                var drops = untrusting.Services.GetRequiredService<TelemetryDropCounter>();
                await AspireDashboard.WaitForAsync(
                    async () =>
                    {
                        await Ping(untrusting);
                        return drops.Dropped(TelemetrySignal.Traces) > 0 ? "dropped" : null;
                    },
                    TimeSpan.FromSeconds(60),
                    "spans to an untrusted certificate to be dropped");
            }

            const string service = "sigcerh-tls-trusted";
            await using var app = await StartSignalApp(service, new()
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpGrpcEndpoint.ToString(),
                ["OTEL_EXPORTER_OTLP_CERTIFICATE"] = cert,
            });
            var resource = await WaitForResource(dashboard, app, service, "TRACES", "LOGS", "METRICS");
            Assert.True(resource.GetProperty("hasTraces").GetBoolean());
            Assert.DoesNotContain(OtlpJson.ResourceNames(await dashboard.GetResourcesAsync()), n => n.StartsWith("sigcerh-tls-untrusted", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static (string Certificate, string Key) SelfSignedPem(string dir)
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=127.0.0.1", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension(
            [new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var cert = Path.Combine(dir, "collector.pem");
        var key = Path.Combine(dir, "collector-key.pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }

    private static Task<TestApp> StartSignalApp(string service, Dictionary<string, string?> variables)
    {
        var config = new Dictionary<string, string?>(variables)
        {
            ["SigcerhTelemetry:ServiceName"] = service,
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "2000",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        };
        return TestApp.StartAsync(config, map: a => a.MapGet("/ping", (ILogger<OtlpExportTests> log) =>
        {
            log.LogWarning("ping served");
            return "pong";
        }));
    }

    private static async Task Ping(TestApp app)
    {
        using var r = await app.Client.GetAsync(new Uri("/ping", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode);
    }

    private static async Task<JsonElement> WaitForResource(AspireDashboard dashboard, TestApp app, string service, params string[] signals) =>
        (JsonElement)await AspireDashboard.WaitForAsync<object>(
            async () =>
            {
                await Ping(app);
                var mine = (await dashboard.GetResourcesAsync()).EnumerateArray()
                    .Where(r => r.GetProperty("name").GetString()!.StartsWith(service, StringComparison.Ordinal)).ToList();
                return mine.Count == 1 && signals.All(s => mine[0].GetProperty("has" + char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant()).GetBoolean())
                    ? mine[0] : null;
            },
            TimeSpan.FromSeconds(60),
            $"{string.Join(" and ", signals)} of {service} at the receiver");

    private static JsonElement Single(JsonElement resources, string service) =>
        Assert.Single(resources.EnumerateArray(), r => r.GetProperty("name").GetString()!.StartsWith(service, StringComparison.Ordinal));

    private async Task<TestApp> StartOrderApp(string service, Uri endpoint, string protocol, bool withDatabase = true)
    {
        var config = new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:ServiceName"] = service,
            ["SigcerhTelemetry:Otlp:Endpoint"] = endpoint.ToString(),
            ["SigcerhTelemetry:Otlp:Protocol"] = protocol == "http/protobuf" ? "HttpProtobuf" : "Grpc",
            ["SigcerhTelemetry:Otlp:ExportDelayMilliseconds"] = "200",
            ["SigcerhTelemetry:Otlp:TimeoutSeconds"] = "2",
            ["SigcerhTelemetry:Metrics:ExportIntervalSeconds"] = "1",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "team=ugel%20norte",
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
