using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Instrumentation.Http;
using OpenTelemetry.Trace;
using Sigcerh.Telemetry.Configuration;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Hosting;
using Sigcerh.Telemetry.Redaction;

namespace Sigcerh.Telemetry.Tracing;

/// <summary>The tracing step: ASP.NET Core, HttpClient and Npgsql spans, redacted, sampled and exported over OTLP.</summary>
internal static class TracingRegistration
{
    public static IServiceCollection AddSigcerhTracing(this IServiceCollection services)
    {
        services.AddOptions<AspNetCoreTraceInstrumentationOptions>()
            .Configure<IOptions<SigcerhTelemetryOptions>>((o, s) =>
            {
                var filter = new RequestPathFilter(s.Value);
                o.Filter = ctx => !filter.IsExcluded(ctx.Request.Path);
                o.RecordException = true;
            });
        services.AddOptions<HttpClientTraceInstrumentationOptions>().Configure(o => o.RecordException = true);

        services.AddOpenTelemetry().WithTracing(t => t
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddNpgsql()
            .SetSampler(sp =>
            {
                var settings = sp.GetRequiredService<OtlpTarget>().Settings.Configuration;
                var o = sp.GetRequiredService<IOptions<SigcerhTelemetryOptions>>().Value.Tracing;
                return o.Enabled
                    ? SamplerFactory.Create(settings[OtelVariables.TracesSampler], settings[OtelVariables.TracesSamplerArg], o.SamplingRatio)
                    : new AlwaysOffSampler();
            })
            .Deferred((sp, builder) =>
            {
                var o = sp.GetRequiredService<IOptions<SigcerhTelemetryOptions>>().Value;
                foreach (var source in o.Tracing.Sources)
                {
                    builder.AddSource(source);
                }

                if (o.Redaction.Enabled)
                {
                    builder.AddProcessor(new RedactingActivityProcessor(sp.GetRequiredService<PiiRedactor>()));
                }

                var target = sp.GetRequiredService<OtlpTarget>().Traces;
                if (target.Enabled && o.Tracing.Enabled)
                {
                    var drops = sp.GetRequiredService<TelemetryDropCounter>();
                    var exporter = new AccountedOtlpTraceExporter(target.ExporterOptions(), drops);
                    var processor = new BatchActivityExportProcessor(
                        exporter,
                        maxQueueSize: target.QueueSize,
                        scheduledDelayMilliseconds: (int)target.ExportDelay.TotalMilliseconds,
                        exporterTimeoutMilliseconds: (int)target.ExportTimeout.TotalMilliseconds,
                        maxExportBatchSize: target.BatchSize);
                    if (BatchProcessorDrops.Reader(processor) is { } read)
                    {
                        drops.AddSource(TelemetrySignal.Traces, read);
                    }

                    sp.GetRequiredService<ExportQueues>().Add(TelemetrySignal.Traces, processor, () => exporter.Completed);
                    builder.AddProcessor(processor);
                }
            }));
        return services;
    }
}
