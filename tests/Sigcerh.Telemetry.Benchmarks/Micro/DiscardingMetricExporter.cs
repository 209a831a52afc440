using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Sigcerh.Telemetry.Benchmarks.Micro;

/// <summary>A metric exporter that drops everything: the SDK still aggregates every measurement.</summary>
internal sealed class DiscardingMetricExporter : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
}
