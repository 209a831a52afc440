using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
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
        services.TryAddSingleton<OtlpTarget>();
        services.TryAddSingleton<TelemetryDropCounter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TelemetryStatusReporter>());
        services.AddOpenTelemetry().ConfigureResource(r => r.Clear().AddDetector(sp => sp.GetRequiredService<SigcerhResource>()));
        return services;
    }
}
