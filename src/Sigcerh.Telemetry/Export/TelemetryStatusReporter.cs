using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Export;

/// <summary>
/// Says at startup how telemetry leaves the process, and warns, at most once a minute, when items were dropped.
/// </summary>
internal sealed partial class TelemetryStatusReporter(
    OtlpTarget target,
    TelemetryDropCounter drops,
    LogFileStatus fileStatus,
    TimeProvider time,
    ILogger<TelemetryStatusReporter> logger) : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WarnAtMostEvery = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var warning in target.Settings.Warnings)
        {
            LogIgnoredSetting(logger, warning);
        }

        if (target.Enabled)
        {
            foreach (var signal in target.Signals.Where(s => s.Enabled))
            {
                LogExportOn(logger, signal.Signal.ToString().ToLowerInvariant(), signal.Endpoint, Protocol(signal));
            }
        }
        else
        {
            LogExportOff(logger);
        }

        if (fileStatus.Enabled && !fileStatus.IsWritable)
        {
            LogFileFailed(logger, fileStatus.Directory, fileStatus.Error);
        }

        long reported = 0;
        var lastWarning = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(CheckEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var total = drops.Total;
                var now = time.GetUtcNow();
                if (total > reported && now - lastWarning >= WarnAtMostEvery)
                {
                    LogDropped(logger, total - reported, drops.Dropped(TelemetrySignal.Logs), drops.Dropped(TelemetrySignal.Traces),
                        drops.Dropped(TelemetrySignal.Metrics), Endpoints());
                    reported = total;
                    lastWarning = now;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Protocol(OtlpSignalTarget signal) =>
        signal.Protocol == OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf ? "http/protobuf" : "grpc";

    private string Endpoints() =>
        target.Enabled ? string.Join(", ", target.Signals.Where(s => s.Enabled).Select(s => s.Endpoint).Distinct()) : "(none)";

    [LoggerMessage(1, LogLevel.Information, "Telemetry export is on: {Signal} go over OTLP ({Protocol}) to {Endpoint}")]
    private static partial void LogExportOn(ILogger logger, string signal, Uri endpoint, string protocol);

    [LoggerMessage(2, LogLevel.Information, "Telemetry export is off: set OTEL_EXPORTER_OTLP_ENDPOINT (or SigcerhTelemetry:Otlp:Endpoint) to send logs, traces and metrics to a collector. Console and file logs are unaffected.")]
    private static partial void LogExportOff(ILogger logger);

    [LoggerMessage(3, LogLevel.Error, "The log directory {LogDirectory} cannot be written ({Reason}); logs go to stdout only and the health check reports Degraded")]
    private static partial void LogFileFailed(ILogger logger, string logDirectory, string? reason);

    [LoggerMessage(5, LogLevel.Warning, "Configuration value ignored: {Reason}")]
    private static partial void LogIgnoredSetting(ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Warning, "{NewlyDropped} telemetry items were dropped since the last warning (totals: {LogsDropped} logs, {TracesDropped} spans, {MetricsDropped} metric exports); is the collector at {Endpoint} reachable?")]
    private static partial void LogDropped(ILogger logger, long newlyDropped, long logsDropped, long tracesDropped, long metricsDropped, string endpoint);
}
