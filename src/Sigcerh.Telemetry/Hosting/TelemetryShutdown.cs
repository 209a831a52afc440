using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Hosting;

/// <summary>
/// Flushes telemetry at stop within one budget (<see cref="SigcerhTelemetryOptions.ShutdownTimeoutSeconds"/>),
/// counted from the moment the host starts stopping: file and console lines first, then spans, logs and metrics in
/// parallel, each told the time left so a collector that never answers cannot hold the process past its stop grace.
/// What the OTLP queues still hold at the end is counted as dropped and reported in one final line to console and file.
/// Later disposal of the providers then finds them already shut down and returns at once.
/// </summary>
internal sealed partial class TelemetryShutdown(
    IOptions<SigcerhTelemetryOptions> options,
    IOptions<HostOptions> host,
    SigcerhLogPipeline pipeline,
    ExportQueues queues,
    TelemetryDropCounter drops,
    IServiceProvider services,
    ILogger<TelemetryShutdown> logger) : IHostedLifecycleService
{
    // Kept back from the OTLP step for the final line and its write.
    private static readonly TimeSpan FinalLineReserve = TimeSpan.FromMilliseconds(300);

    private long _stoppingAt;

    /// <summary>The budget, bounded by the host's own shutdown timeout.</summary>
    internal TimeSpan Budget
    {
        get
        {
            var budget = TimeSpan.FromSeconds(options.Value.ShutdownTimeoutSeconds);
            var hostLimit = host.Value.ShutdownTimeout;
            return hostLimit != Timeout.InfiniteTimeSpan && hostLimit < budget ? hostLimit : budget;
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        Interlocked.CompareExchange(ref _stoppingAt, Stopwatch.GetTimestamp(), 0);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        Interlocked.CompareExchange(ref _stoppingAt, Stopwatch.GetTimestamp(), 0);
        var budget = Budget;
        var started = Interlocked.Read(ref _stoppingAt);
        TimeSpan Left() => budget - Stopwatch.GetElapsedTime(started);

        // 1. Lines already logged reach the file and stdout first.
        pipeline.Buffer.WaitIdle(Clamp(Left() - FinalLineReserve));

        // 2. The three OTLP queues, in parallel, within what is left.
        var before = Snapshot();
        var otlpTime = Clamp(Left() - FinalLineReserve);
        await ShutDownExportersAsync(otlpTime).ConfigureAwait(false);

        // 3. Count what is still queued, then say it once.
        drops.Add(TelemetrySignal.Traces, queues.Unfinished(TelemetrySignal.Traces));
        drops.Add(TelemetrySignal.Logs, queues.Unfinished(TelemetrySignal.Logs));
        var after = Snapshot();
        LogFinished(
            logger,
            Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds),
            budget.TotalMilliseconds,
            after.Spans - before.Spans,
            after.Logs - before.Logs,
            after.Metrics - before.Metrics,
            after.Spans,
            after.Logs,
            after.Metrics,
            drops.Dropped(TelemetrySignal.Logs, TelemetrySink.File));
        pipeline.Buffer.WaitIdle(Clamp(Left()));
    }

    private static TimeSpan Clamp(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;

    private (long Spans, long Logs, long Metrics) Snapshot() =>
        (drops.Dropped(TelemetrySignal.Traces), drops.Dropped(TelemetrySignal.Logs), drops.Dropped(TelemetrySignal.Metrics));

    private async Task ShutDownExportersAsync(TimeSpan time)
    {
        var ms = (int)time.TotalMilliseconds;
        var tracer = services.GetService<TracerProvider>();
        var meter = services.GetService<MeterProvider>();
        var logs = pipeline.OtlpSink;
        var metrics = Task.Run(() => meter?.Shutdown(ms) ?? true);
        var work = Task.WhenAll(
            Task.Run(() => tracer?.Shutdown(ms)),
            Task.Run(() => logs?.Shutdown(ms)),
            metrics);

        // Each call is bounded by its own timeout; this bound only guards against one that ignores it.
        await Task.WhenAny(work, Task.Delay(time + TimeSpan.FromMilliseconds(100))).ConfigureAwait(false);

        // The reader's last collection is one export; if it did not finish in time, it is lost.
        if (!metrics.IsCompletedSuccessfully || !metrics.Result)
        {
            drops.Add(TelemetrySignal.Metrics, 1);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Telemetry shutdown took {ElapsedMs} ms of its {BudgetMs} ms budget; dropped at shutdown: {SpansDroppedAtShutdown} spans, {LogsDroppedAtShutdown} logs, {MetricExportsDroppedAtShutdown} metric exports (totals since start: {SpansDropped} spans, {LogsDropped} logs, {MetricExportsDropped} metric exports over OTLP; {FileLinesDropped} lines not written to the log file)")]
    private static partial void LogFinished(
        ILogger logger,
        double elapsedMs,
        double budgetMs,
        long spansDroppedAtShutdown,
        long logsDroppedAtShutdown,
        long metricExportsDroppedAtShutdown,
        long spansDropped,
        long logsDropped,
        long metricExportsDropped,
        long fileLinesDropped);
}
