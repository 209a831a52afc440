using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace Sigcerh.Telemetry.Export;

/// <summary>The OTLP metric exporter, counting the metric streams of every failed export call as dropped.</summary>
internal sealed class AccountedOtlpMetricExporter(OtlpExporterOptions options, TelemetryDropCounter drops) : OtlpMetricExporter(options)
{
    public override ExportResult Export(in Batch<Metric> batch)
    {
        var result = base.Export(batch);
        if (result != ExportResult.Success)
        {
            drops.Add(TelemetrySignal.Metrics, batch.Count);
        }

        return result;
    }
}
