using OpenTelemetry;
using OpenTelemetry.Exporter;
using Sigcerh.Telemetry.Configuration;

namespace Sigcerh.Telemetry.Export;

/// <summary>One signal's exporter and batch settings, read by the SDK's own options from <see cref="OtelSettings"/>.</summary>
internal sealed class OtlpSignalTarget
{
    private readonly OtelSettings _settings;

    public OtlpSignalTarget(OtlpSignal signal, OtelSettings settings)
    {
        _settings = settings;
        Signal = signal;
        var specific = OtelVariables.Exporter(signal, "ENDPOINT");
        Enabled = !settings.SdkDisabled && (settings.IsSet(specific) || settings.IsSet(OtelVariables.ExporterEndpoint));
        var options = ExporterOptions();
        Protocol = options.Protocol;
        Timeout = TimeSpan.FromMilliseconds(options.TimeoutMilliseconds);

        // The SDK appends the signal path to the base endpoint for http/protobuf, and uses a signal's own endpoint as is.
        Endpoint = !settings.IsSet(specific) && Protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(options.Endpoint.ToString().TrimEnd('/') + Path)
            : options.Endpoint;

        if (signal != OtlpSignal.Metrics)
        {
            BatchExportProcessorOptions<object> batch = signal == OtlpSignal.Traces
                ? Copy(SdkOptions.SpanBatch(settings.Configuration))
                : Copy(SdkOptions.LogBatch(settings.Configuration));

            // Read back from our own section too, so the deliberate defaults (a bounded queue of 8192) hold.
            QueueSize = batch.MaxQueueSize;
            BatchSize = Math.Min(batch.MaxExportBatchSize, batch.MaxQueueSize);
            ExportDelay = TimeSpan.FromMilliseconds(batch.ScheduledDelayMilliseconds);
            ExportTimeout = TimeSpan.FromMilliseconds(batch.ExporterTimeoutMilliseconds);
        }
        else
        {
            var reader = SdkOptions.MetricReader(settings.Configuration);
            ExportInterval = TimeSpan.FromMilliseconds(reader.ExportIntervalMilliseconds ?? 60_000);
            ExportTimeout = TimeSpan.FromMilliseconds(reader.ExportTimeoutMilliseconds ?? 30_000);
        }
    }

    public OtlpSignal Signal { get; }

    public bool Enabled { get; }

    /// <summary>The URL the exporter sends to, signal path included.</summary>
    public Uri Endpoint { get; }

    public OtlpExportProtocol Protocol { get; }

    /// <summary>Timeout of one export call.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Spans or log records held while the collector is slow or down (not for metrics).</summary>
    public int QueueSize { get; }

    public int BatchSize { get; }

    public TimeSpan ExportDelay { get; }

    /// <summary>Longest wait of the batch processor (or metric reader) for one export.</summary>
    public TimeSpan ExportTimeout { get; }

    /// <summary>Between two metric exports (metrics only).</summary>
    public TimeSpan ExportInterval { get; }

    private string Path => Signal switch
    {
        OtlpSignal.Traces => "/v1/traces",
        OtlpSignal.Logs => "/v1/logs",
        _ => "/v1/metrics",
    };

    /// <summary>A fresh instance for each exporter, as the SDK builds one per exporter.</summary>
    public OtlpExporterOptions ExporterOptions() => SdkOptions.Exporter(_settings.Configuration, Signal);

    private static BatchExportProcessorOptions<object> Copy<T>(BatchExportProcessorOptions<T> o)
        where T : class => new()
    {
        MaxQueueSize = o.MaxQueueSize,
        MaxExportBatchSize = o.MaxExportBatchSize,
        ScheduledDelayMilliseconds = o.ScheduledDelayMilliseconds,
        ExporterTimeoutMilliseconds = o.ExporterTimeoutMilliseconds,
    };
}
