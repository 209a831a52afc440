using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using Serilog.Core;
using Serilog.Events;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Resources;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// Sends log events over OTLP through the OpenTelemetry SDK's own log exporter: each event becomes a pooled
/// <see cref="LogRecord"/> that is serialized straight into the exporter's reused buffer. The caller only hands the
/// event to a bounded batch queue, never blocks, and every event lost to a full queue or a failed export is counted.
/// </summary>
internal sealed class OtlpLogSink : ILogEventSink, IAsyncDisposable, IDisposable
{
    // One logger for every event: the record processor then renames the scope after the event's SourceContext, which
    // the SDK caches per name. A logger per SourceContext would need a cache of our own and buy nothing more. Events
    // without a SourceContext were written straight to Serilog, hence the name.
    private const string Category = "Serilog";

    // A dead collector must not hang shutdown: queued records get this long to leave.
    private const int ShutdownMilliseconds = 5000;

    private readonly ILoggerFactory _factory;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;
    private readonly LogEventRecordProcessor _records = new();
    private readonly BatchLogRecordExportProcessor _batch;
    private readonly AccountedOtlpLogExporter _exporter;
    private readonly Func<long>? _overflow;
    private readonly TelemetryDropCounter _drops;
    private readonly CleanMessageRenderer _renderer = new();
    private readonly Func<LogEventAttributeCollection, Exception?, string> _format;
    private int _disposed;

    public OtlpLogSink(OtlpTarget target, SigcerhResource resource, TelemetryDropCounter drops)
    {
        _drops = drops;
        var logs = target.Logs;
        _exporter = new AccountedOtlpLogExporter(logs.ExporterOptions(), drops);
        _batch = new BatchLogRecordExportProcessor(
            _exporter,
            maxQueueSize: logs.QueueSize,
            scheduledDelayMilliseconds: (int)logs.ExportDelay.TotalMilliseconds,
            exporterTimeoutMilliseconds: (int)logs.ExportTimeout.TotalMilliseconds,
            maxExportBatchSize: logs.BatchSize);

        // Records that do not fit the queue are dropped by the processor; other log sources add up with this one.
        _overflow = BatchProcessorDrops.Reader(_batch);
        if (_overflow is not null)
        {
            drops.AddSource(TelemetrySignal.Logs, _overflow);
        }

        _factory = LoggerFactory.Create(b =>
        {
            // The SDK's default detectors (telemetry.sdk.*, OTEL_RESOURCE_ATTRIBUTES) read this configuration, as
            // they do for spans and metrics, so a receiver sees one resource per process.
            b.Services.AddSingleton(target.Configuration);
            b.SetMinimumLevel(LogLevel.Trace) // Serilog has already filtered by level.
            .AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = false;

                // The attributes still reach the processors; the pooled record just keeps no reference to the event.
                o.ParseStateValues = true;
                o.SetResourceBuilder(ResourceBuilder.CreateDefault().AddDetector(resource));

                // In this order: the event's context is applied before the record is queued, and the exporter the
                // batch processor sends through closes only after the queue has drained.
                o.AddProcessor(_records);
                o.AddProcessor(_batch);
                o.AddProcessor(_exporter.Host);
            });
        });
        _logger = _factory.CreateLogger(Category);
        _format = (state, _) => _renderer.Render(state.Event);
    }

    /// <summary>Events the collector accepted.</summary>
    public long Exported => _exporter.Exported;

    /// <summary>Events queued and not yet exported or dropped.</summary>
    public int Pending =>
        (int)Math.Max(0, _records.Received - _exporter.Exported - _exporter.Failed - (_overflow?.Invoke() ?? 0));

    public void Emit(LogEvent logEvent)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Logged after the shutdown closed the export (a late hosted service, the shutdown's own last line).
            _drops.Add(TelemetrySignal.Logs, 1);
            return;
        }

        var level = Level(logEvent.Level);
        var state = new LogEventAttributeCollection(logEvent, _renderer);
        if (!Sdk.SuppressInstrumentation)
        {
            _logger.Log(level, default, state, state.Exception, _format);
            return;
        }

        // The SDK's logger skips everything written while instrumentation is suppressed, as it is inside health
        // checks. Serilog has accepted these events, so they leave like any other. The exporters' own calls never
        // write to Serilog: their HttpClients are not built by the host's factory, so no loop can start here.
        using (SuppressInstrumentationScope.Begin(false))
        {
            _logger.Log(level, default, state, state.Exception, _format);
        }
    }

    /// <summary>Records whose export call has returned, accepted or not.</summary>
    internal long Completed => _exporter.Exported + _exporter.Failed;

    /// <summary>The batch queue, for the shutdown budget to count what it still holds.</summary>
    internal BatchLogRecordExportProcessor Queue => _batch;

    public void Dispose() => Shutdown(ShutdownMilliseconds);

    /// <summary>
    /// Drains the queue within <paramref name="milliseconds"/>, then cancels an export still waiting on a dead collector:
    /// shutdown must not hang. The provider's own shutdown, when the factory goes, then finds nothing left to do.
    /// </summary>
    internal void Shutdown(int milliseconds)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        _batch.Shutdown(milliseconds);
        var left = milliseconds - (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        _exporter.Host.Shutdown(Math.Max(0, left));
        _factory.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static LogLevel Level(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => LogLevel.Trace,
        LogEventLevel.Debug => LogLevel.Debug,
        LogEventLevel.Information => LogLevel.Information,
        LogEventLevel.Warning => LogLevel.Warning,
        LogEventLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };
}
