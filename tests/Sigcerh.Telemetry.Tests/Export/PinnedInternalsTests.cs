using OpenTelemetry;
using OpenTelemetry.Exporter;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Logging;
using Sigcerh.Telemetry.Resources;

namespace Sigcerh.Telemetry.Tests.Export;

/// <summary>
/// Drop accounting reads the batch processor's internal overflow count, for spans and for logs. These tests fail on an
/// upgrade that moves it, instead of letting drops go uncounted.
/// </summary>
public sealed class PinnedInternalsTests
{
    [Fact]
    public void The_span_batch_processor_overflow_count_can_be_read()
    {
        // The exporter blocks, so at most one span is in export and one in the queue: the rest must overflow.
        // Not disposed: the export thread may still wait on it after the processor's bounded shutdown returns.
        var release = new ManualResetEventSlim();
        using var exporter = new BlockingExporter(release);
        using var processor = new BatchActivityExportProcessor(exporter, maxQueueSize: 1, scheduledDelayMilliseconds: 60_000, maxExportBatchSize: 1);
        var read = BatchProcessorDrops.Reader(processor);
        Assert.NotNull(read);

        using var source = new System.Diagnostics.ActivitySource("pinned-internals");
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        for (var i = 0; i < 5; i++)
        {
            using var a = source.StartActivity("x")!;
            a.Stop();
            processor.OnEnd(a);
        }

        Assert.True(read!() >= 3, $"expected overflow drops, read {read()}");
        release.Set();
    }

    [Fact]
    public async Task The_log_sink_counts_every_event_of_a_failed_export_as_dropped()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var drops = new TelemetryDropCounter(meterFactory, TimeProvider.System);
        using var collector = new MetricCollector<long>(meterFactory, TelemetryDropCounter.MeterName, TelemetryDropCounter.InstrumentName);
        await using var sink = DeadEndSink(drops, queueSize: 8192);

        var logger = new Serilog.LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        for (var i = 0; i < 10; i++)
        {
            logger.Information("evento {N}", i);
        }

        await WaitForDrops(drops, 10);

        Assert.Equal(10, drops.Dropped(TelemetrySignal.Logs));
        Assert.Equal(0, sink.Exported);
        Assert.Equal(0, sink.Pending);
        collector.RecordObservableInstruments();
        Assert.Contains(collector.GetMeasurementSnapshot(), m => m.Value == 10 && (string?)m.Tags["sigcerh.telemetry.signal"] == "logs");
    }

    [Fact]
    public async Task The_log_batch_queue_overflow_is_counted_as_dropped_logs()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var drops = new TelemetryDropCounter(meterFactory, TimeProvider.System);

        // Another source of dropped logs, as the console and file writer registers: sources of one signal add up.
        drops.AddSource(TelemetrySignal.Logs, () => 1000);
        using var collector = new MetricCollector<long>(meterFactory, TelemetryDropCounter.MeterName, TelemetryDropCounter.InstrumentName);

        // One record fits the queue; the dead collector fails the few exports that happen. Only if the overflow is
        // read do all 50 events show up as dropped.
        await using var sink = DeadEndSink(drops, queueSize: 1);
        var logger = new Serilog.LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        for (var i = 0; i < 50; i++)
        {
            logger.Information("evento {N}", i);
        }

        await WaitForDrops(drops, 1050);

        Assert.Equal(1050, drops.Dropped(TelemetrySignal.Logs));
        Assert.Equal(0, sink.Pending);
        collector.RecordObservableInstruments();
        Assert.Contains(collector.GetMeasurementSnapshot(), m => m.Value == 1050 && (string?)m.Tags["sigcerh.telemetry.signal"] == "logs");
    }

    private static OtlpLogSink DeadEndSink(TelemetryDropCounter drops, int queueSize)
    {
        var options = Options.Create(new SigcerhTelemetryOptions { ServiceName = "pinned" });
        options.Value.Otlp.Endpoint = "http://127.0.0.1:1"; // nothing listens: every export fails fast
        options.Value.Otlp.ExportDelayMilliseconds = 10;
        options.Value.Otlp.TimeoutSeconds = 2;
        options.Value.Otlp.QueueSize = queueSize;
        var resource = new SigcerhResource(options, new FakeEnvironment());
        return new OtlpLogSink(new OtlpTarget(options), resource, drops);
    }

    private static async Task WaitForDrops(TelemetryDropCounter drops, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (drops.Dropped(TelemetrySignal.Logs) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    private sealed class BlockingExporter(ManualResetEventSlim release) : BaseExporter<System.Diagnostics.Activity>
    {
        public override ExportResult Export(in Batch<System.Diagnostics.Activity> batch)
        {
            release.Wait(TimeSpan.FromSeconds(30));
            return ExportResult.Success;
        }
    }

    private sealed class FakeEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";

        public string ApplicationName { get; set; } = "Sigcerh.Telemetry.Tests";

        public string ContentRootPath { get; set; } = Path.GetTempPath();

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
