using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Health;

/// <summary>The health step: the checks behind <c>{base}</c>, <c>{base}/live</c> and <c>{base}/ready</c>.</summary>
internal static class HealthRegistration
{
    public static IServiceCollection AddSigcerhHealth(this IServiceCollection services)
    {
        // The standard builder stays usable: checks added with AddHealthChecks().AddCheck(...) appear in the body too.
        services.AddHealthChecks();
        services.TryAddSingleton<IDiskSpaceProbe, DiskSpaceProbe>();
        services.TryAddSingleton<IMemoryProbe, MemoryProbe>();
        services.TryAddSingleton<HealthHttpClient>();
        services.TryAddSingleton<PostgreSqlHealthSource>();
        services.TryAddSingleton<HealthEndpointRegistry>();
        services.TryAddSingleton<HealthRunner>();
        services.TryAddSingleton<HealthResponder>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HealthCheckServiceOptions>, SigcerhHealthChecksSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SigcerhTelemetryOptions>, SigcerhHealthOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HealthMonitor>());
        return services;
    }
}
