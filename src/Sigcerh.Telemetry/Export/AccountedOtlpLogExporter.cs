using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;

namespace Sigcerh.Telemetry.Export;

/// <summary>
/// The OTLP log exporter, counting the records of every failed export call as dropped, and every record that left.
/// <see cref="OtlpLogExporter"/> is sealed, so it is wrapped, not subclassed. The wrapped exporter reads the resource
/// it sends from its own provider, which only the SDK can give it: add <see cref="Host"/> to the same provider, after
/// the batch processor that exports through this wrapper.
/// </summary>
internal sealed class AccountedOtlpLogExporter : BaseExporter<LogRecord>
{
    private readonly OtlpLogExporter _inner;
    private readonly TelemetryDropCounter _drops;
    private long _exported;
    private long _failed;

    public AccountedOtlpLogExporter(OtlpExporterOptions options, TelemetryDropCounter drops)
    {
        _inner = new OtlpLogExporter(options);
        _drops = drops;
        Host = new LogExporterHost(_inner);
    }

    /// <summary>Gives the wrapped exporter its provider, and shuts it down and disposes of it with that provider.</summary>
    public BaseProcessor<LogRecord> Host { get; }

    /// <summary>Records the collector accepted.</summary>
    public long Exported => Interlocked.Read(ref _exported);

    /// <summary>Records lost to failed export calls (already counted as dropped logs).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        var result = _inner.Export(batch);
        if (result == ExportResult.Success)
        {
            Interlocked.Add(ref _exported, batch.Count);
        }
        else
        {
            // Dropped first: the shutdown reads "not failed yet" as "not counted yet".
            _drops.Add(TelemetrySignal.Logs, batch.Count);
            Interlocked.Add(ref _failed, batch.Count);
        }

        return result;
    }
}
