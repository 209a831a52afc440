using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Hosting;

namespace Sigcerh.Telemetry.Metrics;

/// <summary>
/// The metrics step: ASP.NET Core, Kestrel, HttpClient, runtime, Npgsql and SIGCERH meters over OTLP. On .NET 9+ the
/// runtime instrumentation enables the built-in <c>System.Runtime</c> meter, which also carries the process CPU time,
/// CPU count and working set, so no (prerelease) process instrumentation is needed.
/// </summary>
internal static class MetricsRegistration
{
    public static IServiceCollection AddSigcerhMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SigcerhMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SigcerhTelemetryOptions>, MetricsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, ActiveUsersStartupFilter>());

        services.AddOpenTelemetry().WithMetrics(m => m
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter("Npgsql", SelfTelemetryMeter.Name, SigcerhMetrics.MeterName)
            .SetExemplarFilter(ExemplarFilterType.TraceBased)
            .AddView(CardinalityLimits.For)
            .Deferred((sp, builder) =>
            {
                var o = sp.GetRequiredService<IOptions<SigcerhTelemetryOptions>>().Value;
                foreach (var meter in o.Metrics.Meters)
                {
                    builder.AddMeter(meter);
                }

                var target = sp.GetRequiredService<OtlpTarget>().Metrics;
                if (target.Enabled && o.Metrics.Enabled)
                {
                    var exporter = new AccountedOtlpMetricExporter(target.ExporterOptions(), sp.GetRequiredService<TelemetryDropCounter>());
                    builder.AddReader(new PeriodicExportingMetricReader(
                        exporter,
                        exportIntervalMilliseconds: (int)target.ExportInterval.TotalMilliseconds,
                        exportTimeoutMilliseconds: (int)target.ExportTimeout.TotalMilliseconds)
                    {
                        TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
                    });
                }
            }));
        return services;
    }
}
