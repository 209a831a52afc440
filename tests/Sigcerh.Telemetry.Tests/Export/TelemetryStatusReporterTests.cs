using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Tests.Export;

public sealed class TelemetryStatusReporterTests
{
    [Fact]
    public async Task Drops_are_reported_as_a_warning_at_most_once_a_minute()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var drops = new TelemetryDropCounter(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), time);
        var options = Options.Create(new SigcerhTelemetryOptions());
        options.Value.Otlp.Endpoint = "http://otel-collector:4317";
        var logger = new FakeLogger<TelemetryStatusReporter>();
        using var reporter = new TelemetryStatusReporter(new OtlpTarget(options), drops, new LogFileStatus(), time, logger);
        await reporter.StartAsync(CancellationToken.None);

        drops.Add(TelemetrySignal.Traces, 40);
        await AdvanceUntil(time, () => Warnings(logger).Count == 1);
        Assert.Contains("40 telemetry items were dropped", Warnings(logger)[0].Message, StringComparison.Ordinal);

        // Within the minute, new drops wait for the next allowed warning.
        drops.Add(TelemetrySignal.Logs, 7);
        await Advance(time, TimeSpan.FromSeconds(30));
        Assert.Single(Warnings(logger));

        await AdvanceUntil(time, () => Warnings(logger).Count == 2);
        var warnings = Warnings(logger);
        Assert.Contains("7 telemetry items were dropped", warnings[1].Message, StringComparison.Ordinal);
        Assert.Contains("otel-collector:4317", warnings[1].Message, StringComparison.Ordinal);

        await reporter.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Without_an_endpoint_one_startup_line_says_how_to_turn_export_on()
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var drops = new TelemetryDropCounter(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TimeProvider.System);
        var logger = new FakeLogger<TelemetryStatusReporter>();
        using var reporter = new TelemetryStatusReporter(new OtlpTarget(Options.Create(new SigcerhTelemetryOptions())), drops, new LogFileStatus(), TimeProvider.System, logger);
        await reporter.StartAsync(CancellationToken.None);
        await WaitUntil(() => logger.Collector.Count > 0);
        await reporter.StopAsync(CancellationToken.None);

        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", line.Message, StringComparison.Ordinal);
    }

    private static List<FakeLogRecord> Warnings(FakeLogger<TelemetryStatusReporter> logger) =>
        [.. logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning)];

    // ExecuteAsync runs on the thread pool; poll for its effect instead of assuming when a fake tick is seen.
    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }

    private static async Task AdvanceUntil(FakeTimeProvider time, Func<bool> condition)
    {
        for (var i = 0; i < 60 && !condition(); i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(50);
        }

        Assert.True(condition());
    }

    // The reporter's timer runs on the thread pool; give each fake tick a moment to be observed.
    private static async Task Advance(FakeTimeProvider time, TimeSpan by)
    {
        for (var t = TimeSpan.Zero; t < by; t += TimeSpan.FromSeconds(5))
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(50);
        }
    }
}
