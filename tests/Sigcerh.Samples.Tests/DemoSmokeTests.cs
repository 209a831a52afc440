using System.Net.Sockets;
using System.Text.Json;
using Sigcerh.Demo;
using Sigcerh.Testing;

namespace Sigcerh.Samples.Tests;

/// <summary>Runs the one-command demo headless, reads what arrived at its dashboard, then stops it as Ctrl+C would.</summary>
public sealed class DemoSmokeTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Demo_sends_both_services_correlated_and_redacted_telemetry_and_cleans_up_on_ctrl_c()
    {
        // --duration is only a safety net: the test interrupts the demo itself.
        await using var demo = DemoProcess.Start("--duration", "170");
        await demo.WaitForOutputAsync("SIGCERH demo ready", Startup);
        var workDir = demo.ValueAfter("working folder");
        Assert.True(Directory.Exists(workDir), demo.Output);
        var postgresUsed = PostgresCluster.FindBinDirectory() is not null;
        Assert.Contains(postgresUsed ? "PostgreSQL on 127.0.0.1:" : "IN-MEMORY store", demo.Output, StringComparison.Ordinal);

        var dashboard = new DashboardApi(demo.Dashboard);

        // Both services' resources, and one trace holding spans of both (backend → OCR over HttpClient).
        var crossTrace = await AspireDashboard.WaitForAsync(async () =>
        {
            var resources = OtlpJson.ResourceNames(await dashboard.GetAsync("/api/telemetry/resources"));
            if (!resources.Any(r => r.StartsWith("sigcerh-backend", StringComparison.Ordinal))
                || !resources.Any(r => r.StartsWith("sigcerh-ocr", StringComparison.Ordinal)))
            {
                return null;
            }

            var spans = OtlpJson.Spans(await dashboard.GetAsync("/api/telemetry/traces"));
            return spans.GroupBy(s => s.TraceId)
                .FirstOrDefault(g => g.Any(s => s.Service == "sigcerh-backend") && g.Any(s => s.Service == "sigcerh-ocr")
                    && g.Any(s => s.Name.Contains("digitalizar", StringComparison.Ordinal)))?.Key;
        }, TimeSpan.FromSeconds(60), "a trace with spans of sigcerh-backend and sigcerh-ocr");

        var traces = OtlpJson.Spans(await dashboard.GetAsync("/api/telemetry/traces"));
        var crossSpans = traces.Where(s => s.TraceId == crossTrace).ToList();
        var ocrServer = crossSpans.First(s => s.Service == "sigcerh-ocr" && s.Name.Contains("/api/ocr", StringComparison.Ordinal));
        Assert.Contains(crossSpans, s => s.Service == "sigcerh-backend" && s.SpanId == ocrServer.ParentSpanId);

        // Logs and traces are correlated: log records carry the trace and span ids of real spans, in both services.
        var logs = await AspireDashboard.WaitForAsync(async () =>
        {
            var l = OtlpJson.Logs(await dashboard.GetAsync("/api/telemetry/logs"));
            return l.Any(x => x.Body.Contains("creada para", StringComparison.Ordinal))
                && l.Any(x => x.Service == "sigcerh-ocr" && x.TraceId.Length > 0) ? l : null;
        }, TimeSpan.FromSeconds(30), "the samples' application logs");
        var spanIds = traces.Select(s => (s.TraceId, s.SpanId)).ToHashSet();
        foreach (var service in new[] { "sigcerh-backend", "sigcerh-ocr" })
        {
            Assert.Contains(logs, l => l.Service == service && l.TraceId.Length > 0 && spanIds.Contains((l.TraceId, l.SpanId)));
        }

        // The samples log names, DNIs and emails on purpose; none of the DNIs or emails may arrive anywhere.
        var everything = await dashboard.GetEverythingAsync();
        foreach (var (_, dni, email) in FakeCitizens.All)
        {
            Assert.DoesNotContain(dni, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(email, everything, StringComparison.OrdinalIgnoreCase);
        }

        // ...and they were really logged and masked, not just absent.
        Assert.Contains(logs, l => l.Body.Contains("creada para", StringComparison.Ordinal) && l.Body.Contains("***", StringComparison.Ordinal));

        // A screenshot of the trace view of that cross-service request, once it shows spans of both services.
        var png = Path.Combine(Path.GetTempPath(), $"sigcerh-demo-trace-{Guid.NewGuid():N}.png");
        try
        {
            await using (var chromium = await Chromium.StartAsync())
            {
                await chromium.NavigateAsync(new Uri(demo.Dashboard, $"/traces/detail/{crossTrace}"));
                await chromium.WaitForTextAsync(TimeSpan.FromSeconds(45), "sigcerh-backend", "sigcerh-ocr", "digitalizar");
                await Task.Delay(1000); // let the span bars finish their layout
                await chromium.ScreenshotAsync(png);
            }

            Assert.True(new FileInfo(png).Length > 30_000, "The screenshot looks blank.");
            if (Environment.GetEnvironmentVariable("SIGCERH_UPDATE_SCREENSHOT") == "1")
            {
                File.Copy(png, Path.Combine(DemoProcess.RepoRoot, "docs", "images", "demo-trace.png"), overwrite: true);
            }
        }
        finally
        {
            File.Delete(png);
        }

        // Ctrl+C: the demo exits by itself, and nothing it started is left behind.
        var pgPort = postgresUsed ? int.Parse(demo.ValueAfter("PostgreSQL on 127.0.0.1:").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
        var exit = await demo.InterruptAsync(TimeSpan.FromSeconds(45));
        Assert.True(exit == 0, demo.Output);
        Assert.Contains("Everything the demo started is stopped.", demo.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(workDir), $"{workDir} was left behind.");
        foreach (var port in new[] { demo.DashboardPort, demo.BackendPort, demo.OcrPort, pgPort }.Where(p => p > 0))
        {
            Assert.False(await IsListeningAsync(port), $"Port {port} still listens after the demo stopped.");
        }
    }

    [Fact]
    public async Task Without_PostgreSQL_the_backend_says_so_and_its_health_reports_the_database_as_not_configured()
    {
        await using var demo = DemoProcess.Start("--no-postgres", "--no-traffic", "--duration", "120");
        await demo.WaitForOutputAsync("SIGCERH demo ready", Startup);
        Assert.Contains("Database:                          IN-MEMORY store", demo.Output, StringComparison.Ordinal);

        using var http = new HttpClient();
        using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{demo.BackendPort}/api/health")));
        var postgres = health.RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "postgresql");
        Assert.Contains("not configured", postgres.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.False(postgres.GetProperty("data").GetProperty("configured").GetBoolean());

        // The backend announces the fallback in its own log, which reaches the dashboard.
        var dashboard = new DashboardApi(demo.Dashboard);
        await AspireDashboard.WaitForAsync(async () =>
            OtlpJson.Logs(await dashboard.GetAsync("/api/telemetry/logs"))
                .FirstOrDefault(l => l.Service == "sigcerh-backend" && l.Body.Contains("EN MEMORIA", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the backend's in-memory store warning");

        Assert.Equal(0, await demo.InterruptAsync(TimeSpan.FromSeconds(45)));
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
