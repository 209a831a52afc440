using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Serilog.Extensions.Logging;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Tests;

/// <summary>The allocation goals of the micro benchmarks, kept as tests so a regression fails the build, not a report.</summary>
public sealed class HotPathAllocationTests
{
    private static readonly Action<Microsoft.Extensions.Logging.ILogger, int, Exception?> ExpedienteRead =
        LoggerMessage.Define<int>(LogLevel.Debug, new EventId(1, "ExpedienteRead"), "Expediente {ExpedienteId} leído");

    private static IHost Host(Dictionary<string, string?> config)
    {
        var root = Path.Combine(Path.GetTempPath(), "sigcerh-perf-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = root,
            EnvironmentName = "Production",
            ApplicationName = "sigcerh-perf",
        });
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSigcerhTelemetry();
        return builder.Build();
    }

    // The least of three rounds: a per-call allocation shows in every round, while a listener that another test's
    // host attaches to the same meter name mid-round allocates once, for its first sight of a tag set.
    private static long AllocatedBy(Action action, int times)
    {
        for (var i = 0; i < 200; i++)
        {
            action();
        }

        var least = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < times; i++)
            {
                action();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }

    [Fact]
    public async Task A_log_event_below_the_minimum_level_allocates_nothing_through_Serilog_and_LoggerMessage()
    {
        await using var host = (IAsyncDisposable)Host(new() { ["SigcerhTelemetry:Logging:Console"] = "false", ["SigcerhTelemetry:Logging:File"] = "false" });
        var pipeline = ((IHost)host).Services.GetRequiredService<SigcerhLogPipeline>();
        using var factory = new SerilogLoggerFactory(pipeline.Logger, dispose: false);
        var logger = factory.CreateLogger("Sigcerh.Expedientes");
        Assert.False(logger.IsEnabled(LogLevel.Debug));

        Assert.Equal(0, AllocatedBy(() => pipeline.Logger.Debug("Expediente {ExpedienteId} leído", 1234567), 10_000));
        Assert.Equal(0, AllocatedBy(() => ExpedienteRead(logger, 1234567, null), 10_000));
    }

    [Fact]
    public void A_business_meter_call_allocates_nothing_with_the_OpenTelemetry_SDK_listening()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new SigcerhMetrics(
            services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            Microsoft.Extensions.Options.Options.Create(new SigcerhTelemetryOptions()),
            TimeProvider.System);
        var exported = new List<Metric>();
        using (var provider = Sdk.CreateMeterProviderBuilder().AddMeter(SigcerhMetrics.MeterName).AddInMemoryExporter(exported).Build())
        {
            Assert.Equal(0, AllocatedBy(() => metrics.ApplicationCreated("constancia"), 10_000));
            Assert.Equal(0, AllocatedBy(() => metrics.PaymentValidated("yape", approved: false), 10_000));
            Assert.Equal(0, AllocatedBy(() => metrics.AiRequestCompleted(SigcerhOutcome.Timeout), 10_000));
            provider.ForceFlush();
        }

        // The calls were really recorded, not skipped.
        Assert.Contains(exported, m => m.Name == "sigcerh.applications.created");
    }

    [Fact]
    public async Task Events_dropped_by_a_full_console_and_file_buffer_are_counted_as_lost_file_lines_not_as_export_drops()
    {
        await using var host = (IAsyncDisposable)Host(new()
        {
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Logging:BufferSize"] = "1",
        });
        var pipeline = ((IHost)host).Services.GetRequiredService<SigcerhLogPipeline>();
        var drops = ((IHost)host).Services.GetRequiredService<TelemetryDropCounter>();
        for (var i = 0; i < 50_000; i++)
        {
            pipeline.Logger.Information("Expediente {ExpedienteId} consultado", i);
        }

        Assert.True(pipeline.Buffer.Dropped > 0, "a one-event buffer kept up with 50,000 events written in a tight loop");
        Assert.Equal(pipeline.Buffer.Dropped, drops.Dropped(TelemetrySignal.Logs, TelemetrySink.File));
        Assert.Equal(0, drops.Dropped(TelemetrySignal.Logs)); // the collector lost nothing: otlp_export stays Healthy
        Assert.Null(drops.LastDropAt);
    }
}
