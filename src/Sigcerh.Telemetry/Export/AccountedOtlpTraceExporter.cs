using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;

namespace Sigcerh.Telemetry.Export;

/// <summary>The OTLP span exporter, counting the spans of every failed export call as dropped.</summary>
internal sealed class AccountedOtlpTraceExporter(OtlpExporterOptions options, TelemetryDropCounter drops) : OtlpTraceExporter(options)
{
    private long _completed;

    /// <summary>Spans whose export call has returned, accepted or not: what the shutdown budget no longer waits for.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    public override ExportResult Export(in Batch<Activity> batch)
    {
        var result = base.Export(batch);
        if (result != ExportResult.Success)
        {
            drops.Add(TelemetrySignal.Traces, batch.Count);
        }

        // After the drop count: the shutdown reads "not completed" as "not counted yet".
        Interlocked.Add(ref _completed, batch.Count);

        return result;
    }
}
