using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;

namespace Sigcerh.Telemetry.Export;

/// <summary>The OTLP span exporter, counting the spans of every failed export call as dropped.</summary>
internal sealed class AccountedOtlpTraceExporter(OtlpExporterOptions options, TelemetryDropCounter drops) : OtlpTraceExporter(options)
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        var result = base.Export(batch);
        if (result != ExportResult.Success)
        {
            drops.Add(TelemetrySignal.Traces, batch.Count);
        }

        return result;
    }
}
