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
/// Drop accounting reads two internals of pinned dependencies. These tests fail on an upgrade that moves them,
/// instead of letting drops go uncounted.
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
    public async Task The_log_sink_uses_the_OpenTelemetry_sinks_batch_writer_and_counts_failed_batches()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = Options.Create(new SigcerhTelemetryOptions { ServiceName = "pinned" });
        options.Value.Otlp.Endpoint = "http://127.0.0.1:1"; // nothing listens: every export fails fast
        options.Value.Otlp.ExportDelayMilliseconds = 10;
        options.Value.Otlp.TimeoutSeconds = 2;
        var meterFactory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var drops = new TelemetryDropCounter(meterFactory, TimeProvider.System);
        var resource = new SigcerhResource(options, new FakeEnvironment());
        await using var sink = new OtlpLogSink(new OtlpTarget(options), resource, drops);
        Assert.True(sink.UsesBatchWriter);

        using var collector = new MetricCollector<long>(meterFactory, TelemetryDropCounter.MeterName, TelemetryDropCounter.InstrumentName);
        var logger = new Serilog.LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        for (var i = 0; i < 10; i++)
        {
            logger.Information("evento {N}", i);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (drops.Dropped(TelemetrySignal.Logs) < 10 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(10, drops.Dropped(TelemetrySignal.Logs));
        collector.RecordObservableInstruments();
        Assert.Contains(collector.GetMeasurementSnapshot(), m => m.Value == 10 && (string?)m.Tags["sigcerh.telemetry.signal"] == "logs");
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
