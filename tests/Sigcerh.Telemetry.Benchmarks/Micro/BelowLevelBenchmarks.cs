using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace Sigcerh.Telemetry.Benchmarks.Micro;

/// <summary>
/// A Debug event while the package runs at Information (the production default). Goal: 0 bytes allocated on the
/// package's paths (Serilog's generic overloads, <see cref="LoggerMessage"/> and <c>IsEnabled</c> guards). The plain
/// <c>ILogger.LogDebug(string, params object[])</c> extension is shown too: it allocates its argument array before any
/// level check, in Microsoft.Extensions.Logging, whatever the provider.
/// </summary>
public class BelowLevelBenchmarks
{
    private static readonly Action<ILogger, int, Exception?> ExpedienteRead =
        LoggerMessage.Define<int>(LogLevel.Debug, new EventId(1, "ExpedienteRead"), "Expediente {ExpedienteId} leído");

    private SigcerhPipelineHost _host = null!;
    private Serilog.ILogger _serilog = null!;
    private ILogger _logger = null!;
    private SerilogLoggerFactory _factory = null!;

    [GlobalSetup]
    public void Setup()
    {
        _host = SigcerhPipelineHost.Create(otlpHttpEndpoint: null, minimumLevel: "Information");
        _serilog = _host.Pipeline.Logger;
        _factory = new SerilogLoggerFactory(_host.Pipeline.Logger, dispose: false);
        _logger = _factory.CreateLogger("Sigcerh.Backend.Expedientes");
        if (_logger.IsEnabled(LogLevel.Debug) || _serilog.IsEnabled(Serilog.Events.LogEventLevel.Debug))
        {
            throw new InvalidOperationException("Debug must be below the minimum level for this benchmark.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _factory.Dispose();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public void Serilog_generic_debug() => _serilog.Debug("Expediente {ExpedienteId} leído", 1234567);

    [Benchmark]
    public void ILogger_LoggerMessage_debug() => ExpedienteRead(_logger, 1234567, null);

    [Benchmark]
    public void ILogger_IsEnabled_guard_then_LogDebug()
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.LogDebug("Expediente {ExpedienteId} leído", 1234567);
        }
    }

    [Benchmark]
    public void ILogger_LogDebug_params_extension() => _logger.LogDebug("Expediente {ExpedienteId} leído", 1234567);
}
