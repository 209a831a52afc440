using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using Sigcerh.Telemetry.Resources;

namespace Sigcerh.Telemetry.Export;

/// <summary>The export step: one resource, the OTLP target, drop accounting and its reporter.</summary>
internal static class ExportRegistration
{
    public static IServiceCollection AddSigcerhExport(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<SigcerhResource>();
        services.TryAddSingleton(sp => new OtlpTarget(sp.GetRequiredService<IOptions<SigcerhTelemetryOptions>>(), sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton<TelemetryDropCounter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TelemetryStatusReporter>());
        // On top of the SDK's default detectors (telemetry.sdk.*, OTEL_RESOURCE_ATTRIBUTES), as the log sink does.
        services.AddOpenTelemetry().ConfigureResource(r => r.AddDetector(sp => sp.GetRequiredService<SigcerhResource>()));
        return services;
    }
}
