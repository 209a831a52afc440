using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Serilog;
using Serilog.Core;
using Serilog.Formatting.Compact;
using Sigcerh.Telemetry.Export;

namespace Sigcerh.Telemetry.Benchmarks.Micro;

/// <summary>
/// One log event through the package's full pipeline (enrich, redact, compact JSON to the rolling file, OTLP queue)
/// against plain Serilog writing compact JSON to a file. Each invocation writes <see cref="Events"/> events.
/// <para>
/// Two views of the package: <c>caller</c> is what the logging (request) thread pays while the background writers run
/// concurrently, drained outside the timing; <c>end to end</c> also waits until the file writer and the OTLP exporter
/// (protobuf + HTTP to a loopback receiver) have taken every event, so all of the work is inside the timing.
/// Goal: at most 1.3 times plain Serilog.
/// </para>
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[InvocationCount(1)]
public class LogPipelineBenchmarks
{
    /// <summary>Events per invocation; below both buffers (10,000 and 8,192), so nothing is ever dropped.</summary>
    public const int Events = 4000;

    private DiscardingOtlpReceiver _receiver = null!;
    private SigcerhPipelineHost _sigcerh = null!;
    private Logger _sigcerhLogger = null!;
    private Logger _plain = null!;
    private Logger _plainAsync = null!;
    private string _plainDir = string.Empty;
    private long _written;

    [GlobalSetup]
    public void Setup()
    {
        _receiver = DiscardingOtlpReceiver.StartAsync().GetAwaiter().GetResult();
        _sigcerh = SigcerhPipelineHost.Create(new Uri(_receiver.Endpoint, "/v1/logs"), exportDelayMilliseconds: 1);
        _sigcerhLogger = _sigcerh.Pipeline.Logger;
        _plainDir = Path.Combine(Path.GetTempPath(), "serilog-bench-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_plainDir);

        // What a service copies from the Serilog README: compact JSON, daily file, defaults otherwise.
        _plain = new LoggerConfiguration()
            .Enrich.FromLogContext()
            .WriteTo.File(new CompactJsonFormatter(), Path.Combine(_plainDir, "plain-.json"), rollingInterval: RollingInterval.Day)
            .CreateLogger();

        // The same with the async wrapper and a buffered file: the design the package uses, without redaction or OTLP.
        _plainAsync = new LoggerConfiguration()
            .Enrich.FromLogContext()
            .WriteTo.Async(a => a.File(new CompactJsonFormatter(), Path.Combine(_plainDir, "async-.json"), rollingInterval: RollingInterval.Day, buffered: true))
            .CreateLogger();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var dropped = _sigcerh.Drops.Dropped(TelemetrySignal.Logs);
        var exported = _sigcerh.Pipeline.OtlpSink?.Exported ?? 0;
        var received = _receiver.Requests;
        _plain.Dispose();
        _plainAsync.Dispose();
        _sigcerh.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _receiver.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_plainDir, recursive: true);

        // The figures only count if every event really went through: none dropped, all exported over HTTP.
        if (dropped != 0 || exported != _written || (_written > 0 && received == 0))
        {
            throw new InvalidOperationException($"Pipeline self-check failed: written {_written}, exported {exported}, dropped {dropped}, OTLP requests {received}.");
        }
    }

    [IterationCleanup(Targets = [nameof(Sigcerh_pipeline_caller)])]
    public void DrainOutsideTiming() => _sigcerh.WaitUntilDrained(_written);

    [Benchmark(Baseline = true, OperationsPerInvoke = Events), BenchmarkCategory("LogEvent")]
    public void Plain_serilog_compact_json_file()
    {
        for (var i = 0; i < Events; i++)
        {
            _plain.Information("Expediente {ExpedienteId} consultado por {Area} en {Elapsed} ms", 1234567 + i, "mesa-de-partes", 12.5);
        }
    }

    [Benchmark(OperationsPerInvoke = Events), BenchmarkCategory("LogEvent")]
    public void Plain_serilog_async_buffered_file()
    {
        for (var i = 0; i < Events; i++)
        {
            _plainAsync.Information("Expediente {ExpedienteId} consultado por {Area} en {Elapsed} ms", 1234567 + i, "mesa-de-partes", 12.5);
        }
    }

    [Benchmark(OperationsPerInvoke = Events), BenchmarkCategory("LogEvent")]
    public void Sigcerh_pipeline_caller()
    {
        for (var i = 0; i < Events; i++)
        {
            _sigcerhLogger.Information("Expediente {ExpedienteId} consultado por {Area} en {Elapsed} ms", 1234567 + i, "mesa-de-partes", 12.5);
        }

        _written += Events;
    }

    [Benchmark(OperationsPerInvoke = Events), BenchmarkCategory("LogEvent")]
    public void Sigcerh_pipeline_end_to_end()
    {
        for (var i = 0; i < Events; i++)
        {
            _sigcerhLogger.Information("Expediente {ExpedienteId} consultado por {Area} en {Elapsed} ms", 1234567 + i, "mesa-de-partes", 12.5);
        }

        _written += Events;
        _sigcerh.WaitUntilDrained(_written);
    }

    [Benchmark(OperationsPerInvoke = Events), BenchmarkCategory("LogEvent")]
    public void Sigcerh_pipeline_end_to_end_with_personal_data()
    {
        for (var i = 0; i < Events; i++)
        {
            _sigcerhLogger.Information("Pago validado para {Dni} con {Correo}", "45871236", "maria.quispe@gmail.com");
        }

        _written += Events;
        _sigcerh.WaitUntilDrained(_written);
    }
}
