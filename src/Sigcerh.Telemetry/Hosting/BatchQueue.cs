using System.Reflection;
using OpenTelemetry;

namespace Sigcerh.Telemetry.Hosting;

/// <summary>
/// Items a batch processor accepted into its queue (not dropped on overflow). The SDK keeps the counts internal, so they
/// are read by reflection against the pinned OpenTelemetry version; a test fails if an upgrade removes them.
/// </summary>
internal static class BatchQueue
{
    public static Func<long>? Accepted<T>(BatchExportProcessor<T> processor)
        where T : class
    {
        var received = Getter<T>("ReceivedCount");
        var dropped = Getter<T>("DroppedCount");
        if (received is null || dropped is null)
        {
            return null;
        }

        return () => received(processor) - dropped(processor);
    }

    private static Func<BatchExportProcessor<T>, long>? Getter<T>(string name)
        where T : class
    {
        var prop = typeof(BatchExportProcessor<T>).GetProperty(name, BindingFlags.Instance | BindingFlags.NonPublic);
        return prop?.GetMethod is { } getter && prop.PropertyType == typeof(long)
            ? getter.CreateDelegate<Func<BatchExportProcessor<T>, long>>()
            : null;
    }
}
