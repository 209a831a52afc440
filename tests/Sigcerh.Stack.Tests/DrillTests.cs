using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using Sigcerh.Testing;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Stack.Tests;

/// <summary>
/// The ops plan's "simulacro de incidente", automated: a real Prometheus 2.42 scrapes a local endpoint that serves
/// the collector's uptime series; the backend check starts failing; SigcerhServiceDown (the production rule with its
/// window scaled from 15m to 3s) reaches a local webhook through a real Alertmanager 0.25 running the production
/// routing (timings scaled); then the check recovers and the resolution arrives.
/// </summary>
public sealed class DrillTests : IDisposable
{
    private const string BackendUrl = "http://sigcerh-backend:8080/api/health";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _dir = Stack.NewTempDir("sigcerh-drill-");
    private readonly List<IDisposable> _cleanup = [];
    private readonly ConcurrentQueue<JsonElement> _notifications = new();
    private volatile bool _backendUp = true;

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_cleanup))
        {
            d.Dispose();
        }

        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Service_down_fires_through_Alertmanager_to_the_webhook_and_resolves_after_recovery()
    {
        var total = Stopwatch.StartNew();
        var metricsPort = FreePort.Next();
        var webhookPort = FreePort.Next();
        var amPort = FreePort.Next();
        StartListener(metricsPort, ServeMetrics);
        StartListener(webhookPort, ReceiveWebhook);

        // Alertmanager 0.25 with the production template, every receiver redirected to the local webhook.
        var amConfig = await AlertmanagerTests.RenderAsync(_dir);
        var am = Stack.LoadYaml(amConfig);
        foreach (var r in am.Seq("receivers").Cast<YamlMappingNode>())
        {
            var name = r.Str("name")!;
            r.Children.Clear();
            r.Add("name", name);
            r.Add("webhook_configs", new YamlSequenceNode(new YamlMappingNode(
                "url", $"http://127.0.0.1:{webhookPort}/{name}", "send_resolved", "true")));
        }

        ScaleRoute(am.Map("route"));
        foreach (var route in am.Map("route").Seq("routes").Cast<YamlMappingNode>())
        {
            ScaleRoute(route);
        }

        Save(am, amConfig);
        var amData = Directory.CreateDirectory(Path.Combine(_dir, "am-data")).FullName;
        var alertmanager = new BackgroundProcess("prometheus-alertmanager",
            ["--config.file=" + amConfig, "--storage.path=" + amData, "--web.listen-address=127.0.0.1:" + amPort,
             "--cluster.listen-address="], _dir);
        _cleanup.Add(alertmanager);

        // Prometheus 2.42 with a test-only copy of the real SigcerhServiceDown (uptime) rule: 15m window -> 3s.
        var rules = Stack.LoadYaml(Path.Combine(Stack.RulesDir, "critical.yml"));
        var group = (YamlMappingNode)rules.Seq("groups").Children[0];
        var rule = group.Seq("rules").Cast<YamlMappingNode>()
            .Single(r => r.Str("alert") == "SigcerhServiceDown" && r.Map("labels").Str("source") == "uptime");
        var expr = rule.Str("expr")!;
        Assert.Contains("[15m]", expr, StringComparison.Ordinal);
        rule.Children[new YamlScalarNode("expr")] = new YamlScalarNode(expr.Replace("[15m]", "[3s]", StringComparison.Ordinal));
        group.Children[new YamlScalarNode("interval")] = new YamlScalarNode("1s");
        group.Children[new YamlScalarNode("rules")] = new YamlSequenceNode(rule);
        var rulesPath = Path.Combine(_dir, "drill-rules.yml");
        Save(rules, rulesPath);

        var promConfig = Path.Combine(_dir, "prometheus.yml");
        File.WriteAllText(promConfig, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: ["{rulesPath}"]
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ["127.0.0.1:{amPort}"]
            scrape_configs:
              - job_name: sigcerh-uptime
                static_configs:
                  - targets: ["127.0.0.1:{metricsPort}"]
            """);
        var promDir = Directory.CreateDirectory(Path.Combine(_dir, "prom")).FullName;
        var prometheus = await PrometheusServer.StartAsync(promDir, promConfig, "--rules.alert.resend-delay=1s");
        _cleanup.Add(prometheus);

        // Healthy: a few checks pass, nothing is sent.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Empty(_notifications);

        // Incident: the backend health check fails.
        _backendUp = false;
        var firing = await WaitForAsync("SigcerhServiceDown firing", "firing", TimeSpan.FromSeconds(40),
            () => prometheus.Output + alertmanager.Output);
        Assert.Equal("criticas", firing.GetProperty("receiver").GetString());
        var alert = firing.GetProperty("alerts").EnumerateArray().Single();
        var labels = alert.GetProperty("labels");
        Assert.Equal("critical", labels.GetProperty("severity").GetString());
        Assert.Equal(BackendUrl, labels.GetProperty("http_url").GetString());
        Assert.Equal("docs/runbooks/servicio-caido.md", alert.GetProperty("annotations").GetProperty("runbook_url").GetString());
        Assert.StartsWith("Servicio caído", alert.GetProperty("annotations").GetProperty("summary").GetString(), StringComparison.Ordinal);

        // Recovery.
        _backendUp = true;
        var resolved = await WaitForAsync("SigcerhServiceDown resolved", "resolved", TimeSpan.FromSeconds(40),
            () => prometheus.Output + alertmanager.Output);
        Assert.Equal("criticas", resolved.GetProperty("receiver").GetString());

        // Inhibition in the same live Alertmanager: a critical alert mutes the warning of the same component and target
        // (disk on the same mount point, certificate on the same URL), not the warning of another target.
        var amBase = new Uri($"http://127.0.0.1:{amPort}");
        var body = """
            [{"labels":{"alertname":"SigcerhDiskCritical","severity":"critical","component":"disk","host_name":"srv","mountpoint":"/"}},
             {"labels":{"alertname":"SigcerhDiskHigh","severity":"warning","component":"disk","host_name":"srv","mountpoint":"/"}},
             {"labels":{"alertname":"SigcerhDiskHigh","severity":"warning","component":"disk","host_name":"srv","mountpoint":"/backups"}},
             {"labels":{"alertname":"SigcerhCertificateCritical","severity":"critical","component":"certificate","source":"uptime","http_url":"https://certificados.ugel.gob.pe"}},
             {"labels":{"alertname":"SigcerhCertificateExpiring","severity":"warning","component":"certificate","source":"uptime","http_url":"https://certificados.ugel.gob.pe"}},
             {"labels":{"alertname":"SigcerhCertificateExpiring","severity":"warning","component":"certificate","source":"uptime","http_url":"https://monitoreo.ugel.gob.pe"}}]
            """;
        using (var post = await Http.PostAsync(new Uri(amBase, "/api/v2/alerts"), new StringContent(body, Encoding.UTF8, "application/json")))
        {
            Assert.True(post.IsSuccessStatusCode, await post.Content.ReadAsStringAsync());
        }

        var sw = Stopwatch.StartNew();
        while (true)
        {
            using var doc = JsonDocument.Parse(await Http.GetStringAsync(new Uri(amBase, "/api/v2/alerts")));
            var warnings = doc.RootElement.EnumerateArray()
                .Where(a => a.GetProperty("labels").GetProperty("severity").GetString() == "warning")
                .ToDictionary(a => a.GetProperty("labels").TryGetProperty("mountpoint", out var m) ? m.GetString()! : a.GetProperty("labels").GetProperty("http_url").GetString()!,
                              a => a.GetProperty("status").GetProperty("inhibitedBy").GetArrayLength());
            if (warnings.Count == 4 && warnings["/"] > 0 && warnings["https://certificados.ugel.gob.pe"] > 0)
            {
                Assert.Equal(0, warnings["/backups"]);
                Assert.Equal(0, warnings["https://monitoreo.ugel.gob.pe"]);
                break;
            }

            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), "the warnings on / and on the certificate URL were not inhibited by their critical alerts");
            await Task.Delay(300);
        }

        Assert.True(total.Elapsed < TimeSpan.FromSeconds(90), $"drill took {total.Elapsed}");
    }

    private static void ScaleRoute(YamlMappingNode route)
    {
        foreach (var (key, value) in new[] { ("group_wait", "1s"), ("group_interval", "1s"), ("repeat_interval", "1h") })
        {
            route.Children[new YamlScalarNode(key)] = new YamlScalarNode(value);
        }
    }

    private static void Save(YamlMappingNode root, string path)
    {
        using var w = new StreamWriter(path);
        new YamlStream(new YamlDocument(root)).Save(w, assignAnchors: false);
    }

    private async Task<JsonElement> WaitForAsync(string what, string status, TimeSpan timeout, Func<string> logs)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            var hit = _notifications.FirstOrDefault(n => n.GetProperty("status").GetString() == status
                && n.GetProperty("alerts").EnumerateArray().Any(a =>
                    a.GetProperty("labels").GetProperty("alertname").GetString() == "SigcerhServiceDown"
                    && a.GetProperty("status").GetString() == status));
            if (hit.ValueKind != JsonValueKind.Undefined)
            {
                return hit;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{what} never reached the webhook. Received: {string.Join("\n", _notifications)}\n{logs()}");
    }

    private void StartListener(int port, Func<HttpListenerContext, Task> handle)
    {
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _cleanup.Add(new Closer(listener.Close));
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                try
                {
                    await handle(ctx);
                }
                finally
                {
                    ctx.Response.Close();
                }
            }
        });
    }

    private async Task ServeMetrics(HttpListenerContext ctx)
    {
        var up = _backendUp ? 1 : 0;
        var text = $$"""
            # TYPE httpcheck_status gauge
            httpcheck_status{http_url="{{BackendUrl}}",http_status_class="2xx"} {{up}}
            httpcheck_status{http_url="{{BackendUrl}}",http_status_class="5xx"} 0
            httpcheck_status{http_url="http://sigcerh-ocr:8000/health",http_status_class="2xx"} 1
            # TYPE httpcheck_error gauge
            httpcheck_error{http_url="{{BackendUrl}}"} {{1 - up}}
            # TYPE httpcheck_duration_milliseconds gauge
            httpcheck_duration_milliseconds{http_url="{{BackendUrl}}"} 12

            """;
        ctx.Response.ContentType = "text/plain; version=0.0.4";
        var bytes = Encoding.UTF8.GetBytes(text);
        await ctx.Response.OutputStream.WriteAsync(bytes);
    }

    private async Task ReceiveWebhook(HttpListenerContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        using var doc = JsonDocument.Parse(body);
        _notifications.Enqueue(doc.RootElement.Clone());
        ctx.Response.StatusCode = 200;
    }

    private sealed class Closer(Action close) : IDisposable
    {
        public void Dispose() => close();
    }
}
