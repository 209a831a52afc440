using System.Collections.Concurrent;
using OpenTelemetry;

namespace Sigcerh.Telemetry.Hosting;

/// <summary>
/// The OTLP batch queues of the process, by signal, so the shutdown can count what they still hold: items accepted,
/// not dropped on overflow, and not yet through an export call (queued, or in a call still waiting on the collector).
/// </summary>
internal sealed class ExportQueues
{
    private readonly ConcurrentBag<(string Signal, Func<long> Unfinished)> _queues = [];

    /// <param name="signal">The signal of the queue.</param>
    /// <param name="processor">The batch processor.</param>
    /// <param name="completed">Items whose export call has returned, whatever its result.</param>
    public void Add<T>(string signal, BatchExportProcessor<T> processor, Func<long> completed)
        where T : class
    {
        if (BatchQueue.Accepted(processor) is { } accepted)
        {
            _queues.Add((signal, () => Math.Max(0, accepted() - completed())));
        }
    }

    /// <summary>Items of <paramref name="signal"/> neither exported, nor failed, nor dropped on overflow yet.</summary>
    public long Unfinished(string signal) => _queues.Where(q => q.Signal == signal).Sum(q => q.Unfinished());
}
