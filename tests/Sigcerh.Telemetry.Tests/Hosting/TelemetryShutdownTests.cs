using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Hosting;
using Sigcerh.Telemetry.Logging;
using Sigcerh.Telemetry.Tests.Health;
using Sigcerh.Telemetry.Tests.TestHost;
using Xunit.Abstractions;

namespace Sigcerh.Telemetry.Tests.Hosting;

public sealed class TelemetryShutdownTests(ITestOutputHelper output)
{
    private const string Source = "Sigcerh.Tests.Shutdown";

    [Theory]
    [InlineData("Grpc")]
    [InlineData("HttpProtobuf")]
    public async Task Stopping_under_load_with_a_collector_that_never_answers_fits_the_budget_and_counts_every_item(string protocol)
    {
        using var blackHole = new HangingListener();
        var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:ServiceName"] = "sigcerh-shutdowntest",
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Tracing:Sources:0"] = Source,
            ["SigcerhTelemetry:Tracing:SamplingRatio"] = "1",
            ["SigcerhTelemetry:Health:BackgroundIntervalSeconds"] = "0",
            ["SigcerhTelemetry:Otlp:Endpoint"] = $"http://127.0.0.1:{blackHole.Port}",
            ["SigcerhTelemetry:Otlp:Protocol"] = protocol,
            ["SigcerhTelemetry:Otlp:TimeoutSeconds"] = "30", // longer than the budget: only the budget can end the wait
            ["SigcerhTelemetry:Otlp:ExportDelayMilliseconds"] = "100",
            ["SigcerhTelemetry:ShutdownTimeoutSeconds"] = "3",
        });
        var pipeline = app.Services.GetRequiredService<SigcerhLogPipeline>();
        var drops = app.Services.GetRequiredService<TelemetryDropCounter>();
        var log = app.Services.GetRequiredService<ILogger<TelemetryShutdownTests>>();

        using var source = new ActivitySource(Source);
        const int Spans = 3000;
        const int Logs = 3000;
        for (var i = 0; i < Spans; i++)
        {
            using var activity = source.StartActivity("trabajo");
            Assert.NotNull(activity);
            log.LogInformation("Load event {Index}", i);
        }

        await Eventually(() => blackHole.Accepted > 0, "the exporters connect to the black hole");
        var watch = Stopwatch.StartNew();
        await app.StopAsync();
        watch.Stop();
        output.WriteLine($"{protocol}: stopped in {watch.ElapsedMilliseconds} ms");

        // Budget plus slack for a loaded machine; without the budget this takes the export timeout (30 s) or more.
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3 + 3));

        // Nothing reached the black hole, so the final line counts every span as dropped, and every log event but itself.
        // (Read from the line: an export the collector never answers may still fail after it, when the process is gone.)
        Assert.True(pipeline.Buffer.Received >= Logs);

        // And after it, no log event is unaccounted for: the final line itself counts as not exported.
        Assert.True(drops.Dropped(TelemetrySignal.Logs) >= pipeline.Buffer.Received, $"{drops.Dropped(TelemetrySignal.Logs)} < {pipeline.Buffer.Received}");
        var final = Assert.Single(LogFiles.ReadEvents(app.LogDirectory), e => LogFiles.Template(e).StartsWith("Telemetry shutdown took", StringComparison.Ordinal));
        output.WriteLine(final.GetRawText());
        Assert.Equal(Spans, long.Parse(LogFiles.Prop(final, "SpansDropped")!, CultureInfo.InvariantCulture));
        Assert.Equal(pipeline.Buffer.Received - 1, long.Parse(LogFiles.Prop(final, "LogsDropped")!, CultureInfo.InvariantCulture));
        Assert.True(long.Parse(LogFiles.Prop(final, "MetricExportsDropped")!, CultureInfo.InvariantCulture) >= 1, "the last metric export never finished");
        Assert.True(double.Parse(LogFiles.Prop(final, "ElapsedMs")!, CultureInfo.InvariantCulture) <= 3000 + 500);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("301")]
    public async Task A_shutdown_budget_that_is_not_a_positive_number_of_seconds_fails_startup_naming_the_key(string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:ShutdownTimeoutSeconds"] = value,
        }));

        Assert.Contains("SigcerhTelemetry:ShutdownTimeoutSeconds", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(value, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shutdown_budget_longer_than_the_host_shutdown_timeout_fails_startup()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestApp.StartAsync(
            new Dictionary<string, string?> { ["SigcerhTelemetry:ShutdownTimeoutSeconds"] = "20" },
            b => b.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10))));

        Assert.Contains("HostOptions.ShutdownTimeout", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_batch_queue_counts_are_readable_in_the_pinned_OpenTelemetry_version()
    {
        using var processor = new BatchLogRecordExportProcessor(new OpenTelemetry.Exporter.InMemoryExporter<LogRecord>([]));

        Assert.NotNull(BatchQueue.Accepted(processor));
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + what);
            await Task.Delay(50);
        }
    }
}
