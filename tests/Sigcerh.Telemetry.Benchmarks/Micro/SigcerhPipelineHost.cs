using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Benchmarks.Micro;

/// <summary>
/// The package's real log pipeline, built by <c>AddSigcerhTelemetry()</c> from configuration: enrichment, redaction,
/// the async compact-JSON rolling file and the OTLP queue (console off, as the benchmark measures the file path).
/// </summary>
internal sealed class SigcerhPipelineHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SigcerhPipelineHost(IHost host, string root)
    {
        _host = host;
        Root = root;
        Pipeline = host.Services.GetRequiredService<SigcerhLogPipeline>();
        Drops = host.Services.GetRequiredService<TelemetryDropCounter>();
    }

    public string Root { get; }

    public SigcerhLogPipeline Pipeline { get; }

    public TelemetryDropCounter Drops { get; }

    public static SigcerhPipelineHost Create(Uri? otlpHttpEndpoint, string minimumLevel = "Information", int exportDelayMilliseconds = 1000)
    {
        var root = Path.Combine(Path.GetTempPath(), "sigcerh-bench-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = root,
            EnvironmentName = "Production",
            ApplicationName = "sigcerh-bench",
        });
        var config = new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:ServiceName"] = "sigcerh-bench",
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Logging:MinimumLevel"] = minimumLevel,
            ["SigcerhTelemetry:Otlp:ExportDelayMilliseconds"] = exportDelayMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (otlpHttpEndpoint is not null)
        {
            config["SigcerhTelemetry:Otlp:Endpoint"] = otlpHttpEndpoint.ToString();
            config["SigcerhTelemetry:Otlp:Protocol"] = "HttpProtobuf";
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSigcerhTelemetry();
        return new SigcerhPipelineHost(builder.Build(), root);
    }

    /// <summary>Waits until the file writer and the OTLP exporter took every queued event.</summary>
    public void WaitUntilDrained(long expectedExported)
    {
        var otlp = Pipeline.OtlpSink;
        // The writer would otherwise finish its 100 ms batch window first: time spent waiting, not working.
        Pipeline.Buffer.Flush();
        var spin = new SpinWait();
        var deadline = Environment.TickCount64 + 30_000;
        while (Pipeline.Buffer.Pending > 0 || (otlp is not null && otlp.Exported < expectedExported))
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException(
                    $"Log pipeline did not drain: {Pipeline.Buffer.Pending} buffered, {otlp?.Exported} of {expectedExported} exported, {Drops.Dropped(TelemetrySignal.Logs)} dropped.");
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container owns the pipeline, which is only IAsyncDisposable.
        if (_host is IAsyncDisposable a)
        {
            await a.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _host.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
