using System.Reflection;
using OpenTelemetry;

namespace Sigcerh.Telemetry.Export;

/// <summary>
/// Reads the batch processor's overflow count. The SDK keeps it internal and reports it only at shutdown, so it is read
/// by reflection against the pinned OpenTelemetry version; a test fails if an upgrade removes it.
/// </summary>
internal static class BatchProcessorDrops
{
    public static Func<long>? Reader<T>(BatchExportProcessor<T> processor)
        where T : class
    {
        var prop = typeof(BatchExportProcessor<T>).GetProperty("DroppedCount", BindingFlags.Instance | BindingFlags.NonPublic);
        if (prop?.GetMethod is not { } getter || prop.PropertyType != typeof(long))
        {
            return null;
        }

        var read = getter.CreateDelegate<Func<BatchExportProcessor<T>, long>>();
        return () => read(processor);
    }
}
