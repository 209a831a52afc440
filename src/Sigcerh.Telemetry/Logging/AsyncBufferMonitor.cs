using Serilog.Sinks.Async;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// Watches the async buffer in front of the console and file sinks: events it drops when full are counted as lost logs,
/// and benchmarks read <see cref="Pending"/> to wait until the writer caught up.
/// </summary>
internal sealed class AsyncBufferMonitor : IAsyncLogEventSinkMonitor
{
    private volatile IAsyncLogEventSinkInspector? _inspector;

    /// <summary>Events waiting for the console and file writer.</summary>
    public int Pending => _inspector?.Count ?? 0;

    /// <summary>Events dropped because the buffer was full.</summary>
    public long Dropped => _inspector?.DroppedMessagesCount ?? 0;

    public void StartMonitoring(IAsyncLogEventSinkInspector inspector) => _inspector = inspector;

    public void StopMonitoring(IAsyncLogEventSinkInspector inspector)
    {
        // Keep the inspector: its drop count stays readable after shutdown.
    }
}
