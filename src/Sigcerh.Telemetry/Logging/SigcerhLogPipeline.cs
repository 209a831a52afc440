using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Hosting;
using Sigcerh.Telemetry.Redaction;
using Sigcerh.Telemetry.Resources;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// The one Serilog pipeline of the process: compact JSON to stdout and to a daily, size-capped rolling file, plus OTLP.
/// Owned by the container, never assigned to the static <c>Log.Logger</c>.
/// </summary>
internal sealed class SigcerhLogPipeline : IAsyncDisposable
{
    public SigcerhLogPipeline(
        IOptions<SigcerhTelemetryOptions> options,
        IHostEnvironment environment,
        IConfiguration configuration,
        SigcerhResource resource,
        OtlpTarget otlp,
        TelemetryDropCounter drops,
        LogFileStatus fileStatus,
        PiiRedactor redactor,
        TimeProvider time,
        ExportQueues queues)
    {
        var o = options.Value;
        var log = o.Logging;
        var level = log.MinimumLevel is { } min
            ? Enum.Parse<LogEventLevel>(min, ignoreCase: true)
            : environment.IsDevelopment() ? LogEventLevel.Debug : LogEventLevel.Information;

        var lc = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        foreach (var (ns, lvl) in log.Overrides)
        {
            lc.MinimumLevel.Override(ns, Enum.Parse<LogEventLevel>(lvl, ignoreCase: true));
        }

        // The standard "Serilog" section still works: its levels apply here, and its sinks run as a sub-logger behind
        // the redactor like every other sink, so a sink added in appsettings.json cannot bypass redaction.
        var serilogSection = configuration.GetSection("Serilog");
        SerilogSectionLevels.Apply(lc, serilogSection);
        var configuredSinks = serilogSection.GetSection("WriteTo").Exists()
            ? new LoggerConfiguration().MinimumLevel.Verbose().ReadFrom.Configuration(configuration).CreateLogger()
            : null;

        var otlpSink = otlp.Enabled ? new OtlpLogSink(otlp, resource, drops) : null;
        if (otlpSink is not null)
        {
            queues.Add(TelemetrySignal.Logs, otlpSink.Queue, () => otlpSink.Completed);
        }

        var json = new FormatOnceFormatter(new ClefJsonFormatter());
        BackgroundLogWriter? writer = null;
        Func<int> pending = () => writer?.Pending ?? 0;
        var console = log.Console ? new BatchedConsoleSink(json, pending) : null;
        var file = log.File ? FileSink(log, environment, resource, fileStatus, time, json, pending) : null;
        var local = LoggerSinkConfiguration.CreateSink(wt =>
        {
            if (console is not null)
            {
                wt.Sink(console);
            }

            if (file is not null)
            {
                wt.Sink(file);
            }
        });
        writer = new BackgroundLogWriter(local, log.BufferSize);

        // An event the writer's full queue refused reached neither local sink.
        if (console is not null)
        {
            drops.AddSource(TelemetrySignal.Logs, TelemetrySink.Console, () => console.Dropped + writer.Dropped);
        }

        if (file is not null)
        {
            drops.AddSource(TelemetrySignal.Logs, TelemetrySink.File, () => file.Dropped + writer.Dropped);
        }

        var redact = o.Redaction.Enabled;
        var sinks = LoggerSinkConfiguration.CreateSink(
            wt =>
            {
                wt.Sink(writer);

                if (otlpSink is not null)
                {
                    wt.Sink(otlpSink);
                }

                if (configuredSinks is not null)
                {
                    wt.Logger(configuredSinks);
                }
            });
        lc.WriteTo.Sink(redact ? new RedactingLogEventSink(redactor, sinks) : sinks);

        Logger = lc.CreateLogger();
        Buffer = writer;
        File = file;
        OtlpSink = otlpSink;
    }

    public Logger Logger { get; }

    /// <summary>The file sink, or null when file logging is off.</summary>
    internal RollingLogFileSink? File { get; }

    /// <summary>The console and file writer: pending events and drops.</summary>
    internal BackgroundLogWriter Buffer { get; }

    /// <summary>The OTLP log sink, or null when export is off.</summary>
    internal OtlpLogSink? OtlpSink { get; }

    /// <summary>Flushes and closes every sink, the OTLP one included (the logger owns its sinks).</summary>
    public ValueTask DisposeAsync() => Logger.DisposeAsync();

    /// <summary>
    /// The file sink exists even when the startup probe failed: it keeps trying, so a folder fixed later gets lines
    /// without a restart.
    /// </summary>
    private static RollingLogFileSink FileSink(
        SigcerhLoggingOptions log,
        IHostEnvironment environment,
        SigcerhResource resource,
        LogFileStatus status,
        TimeProvider time,
        FormatOnceFormatter json,
        Func<int> pending)
    {
        var dir = Path.GetFullPath(log.Directory, environment.ContentRootPath);
        status.Probe(dir);
        return new RollingLogFileSink(
            json, pending, dir, FilePrefix(log, resource), log.FileSizeLimitMegabytes * 1024L * 1024L, log.RetainedDays, status, time);
    }

    private static string FilePrefix(SigcerhLoggingOptions log, SigcerhResource resource)
    {
        if (!string.IsNullOrWhiteSpace(log.FilePrefix))
        {
            return log.FilePrefix;
        }

        var name = resource.ServiceName.ToLowerInvariant().Replace(' ', '-');
        return name.StartsWith("sigcerh-", StringComparison.Ordinal) ? name : "sigcerh-" + name;
    }
}
