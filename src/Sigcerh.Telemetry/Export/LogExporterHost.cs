using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Sigcerh.Telemetry.Export;

/// <summary>
/// A processor that exports nothing: added to a provider, it makes the SDK hand that provider (and so its resource) to
/// an exporter that another exporter wraps, and it shuts that exporter down and disposes of it with the provider.
/// Placed after the batch processor, so the queue drains before the wrapped exporter closes.
/// </summary>
internal sealed class LogExporterHost(BaseExporter<LogRecord> exporter) : BaseExportProcessor<LogRecord>(exporter)
{
    protected override void OnExport(LogRecord data)
    {
    }
}
