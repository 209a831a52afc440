using System.Reflection;
using System.Threading.Channels;
using OpenTelemetry;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.OpenTelemetry;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Resources;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// Sends log events over OTLP through Serilog.Sinks.OpenTelemetry, with a queue of our own: bounded, never blocking
/// the caller, and counting every event it drops. The sink's own queue drops silently and backs off for minutes after
/// an outage, so only its batch writer is used.
/// </summary>
internal sealed class OtlpLogSink : ILogEventSink, IAsyncDisposable, IDisposable
{
    private readonly Channel<LogEvent> _queue;
    private readonly IBatchedLogEventSink _target;
    private readonly IDisposable _owner;
    private readonly TelemetryDropCounter _drops;
    private readonly int _batchSize;
    private readonly TimeSpan _delay;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public OtlpLogSink(OtlpTarget target, SigcerhResource resource, TelemetryDropCounter drops)
    {
        _drops = drops;
        _batchSize = target.BatchSize;
        _delay = target.ExportDelay;
        _queue = Channel.CreateBounded<LogEvent>(
            new BoundedChannelOptions(target.QueueSize) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => drops.Add(TelemetrySignal.Logs, 1));
        (_target, _owner) = CreateBatchWriter(target, resource);
        _loop = Task.Run(RunAsync);
    }

    public long Exported { get; private set; }

    /// <summary>Events queued and not yet handed to the exporter.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>False only if a Serilog upgrade hid the sink's batch writer; a test guards it.</summary>
    public bool UsesBatchWriter => _target is not PerEventWriter;

    public void Emit(LogEvent logEvent) => _queue.Writer.TryWrite(logEvent);

    public async ValueTask DisposeAsync()
    {
        if (!_queue.Writer.TryComplete())
        {
            return;
        }

        // Give queued events a bounded chance to leave; a dead collector must not hang shutdown.
        await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        _owner.Dispose();
        _stop.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task RunAsync()
    {
        var buffer = new LogEvent[_batchSize];
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                if (reader.Count < _batchSize && !reader.Completion.IsCompleted)
                {
                    try
                    {
                        await Task.Delay(_delay, _stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                var n = 0;
                while (n < buffer.Length && reader.TryRead(out var e))
                {
                    buffer[n++] = e;
                }

                await ExportAsync(new ArraySegment<LogEvent>(buffer, 0, n)).ConfigureAwait(false);
                Array.Clear(buffer, 0, n);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ExportAsync(ArraySegment<LogEvent> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await _target.EmitBatchAsync(batch).ConfigureAwait(false);
            Exported += batch.Count;
        }
#pragma warning disable CA1031 // Any exporter failure means the batch is lost; count it and carry on.
        catch (Exception)
#pragma warning restore CA1031
        {
            _drops.Add(TelemetrySignal.Logs, batch.Count);
        }
    }

    private static (IBatchedLogEventSink Target, IDisposable Owner) CreateBatchWriter(OtlpTarget target, SigcerhResource resource)
    {
        var captured = LoggerSinkConfiguration.CreateSink(wt => wt.OpenTelemetry(
                    o =>
                    {
                        var http = target.Protocol == OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
                        o.Protocol = http ? OtlpProtocol.HttpProtobuf : OtlpProtocol.Grpc;
                        o.Endpoint = target.Endpoint!.ToString();
                        o.LogsEndpoint = target.SignalEndpoint("/v1/logs").ToString();
                        o.Headers = target.HeaderDictionary();
                        o.ResourceAttributes = resource.Attributes.ToDictionary(kv => kv.Key, kv => kv.Value);
                        o.HttpMessageHandler = new TimeoutHandler(target.Timeout);
                        // Keeps the sink's own HTTP calls out of traces.
                        o.OnBeginSuppressInstrumentation = SuppressInstrumentationScope.Begin;
                        o.IncludedData = IncludedData.TraceIdField | IncludedData.SpanIdField
                            | IncludedData.MessageTemplateTextAttribute | IncludedData.SpecRequiredResourceAttributes;
                        o.BatchingOptions.QueueLimit = target.BatchSize;
                    },
                    ignoreEnvironment: true));
        var owner = captured as IDisposable ?? throw new InvalidOperationException("The OTLP sink is not disposable.");

        // OpenTelemetrySink -> _logsSink (Serilog's BatchingSink) -> _targetSink (the OTLP batch writer).
        var logsSink = Field(captured, "_logsSink");
        if (logsSink is not null && Field(logsSink, "_targetSink") is IBatchedLogEventSink batched)
        {
            return (batched, owner);
        }

        // Pinned Serilog versions always take the branch above; a test guards it. Fall back to the sink as it is.
        return (new PerEventWriter(captured), owner);
    }

    private static object? Field(object instance, string name) =>
        instance.GetType().GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(instance);

    /// <summary>Writes events one by one into a plain sink, when the batch writer cannot be reached.</summary>
    private sealed class PerEventWriter(ILogEventSink sink) : IBatchedLogEventSink
    {
        public Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
        {
            foreach (var e in batch)
            {
                sink.Emit(e);
            }

            return Task.CompletedTask;
        }

        public Task OnEmptyBatchAsync() => Task.CompletedTask;
    }
}
