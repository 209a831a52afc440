using Microsoft.Extensions.DependencyInjection.Extensions;
using Sigcerh.Telemetry;
using Sigcerh.Telemetry.Configuration;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Health;
using Sigcerh.Telemetry.Logging;
using Sigcerh.Telemetry.Metrics;
using Sigcerh.Telemetry.Redaction;
using Sigcerh.Telemetry.Tracing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds SIGCERH telemetry to a service collection.</summary>
public static class SigcerhTelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Adds JSON logs (console and rolling file), traces, metrics, health endpoints, redaction of personal data and OTLP
    /// export, configured from the <c>SigcerhTelemetry</c> section and the standard <c>OTEL_*</c> variables.
    /// Safe to call more than once: later calls only add their <paramref name="configure"/> delegate.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional settings applied after configuration; they win over it.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddSigcerhTelemetry(this IServiceCollection services, Action<SigcerhTelemetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(SigcerhTelemetryMarker)))
        {
            services.TryAddSingleton<SigcerhTelemetryMarker>();
            services
                .AddSigcerhConfiguration()
                .AddSigcerhExport()
                .AddSigcerhRedaction()
                .AddSigcerhLogging()
                .AddSigcerhTracing()
                .AddSigcerhMetrics()
                .AddSigcerhHealth();
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}
