using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>The configuration step: bind, apply <c>OTEL_*</c>, validate on start.</summary>
internal static class ConfigurationRegistration
{
    public static IServiceCollection AddSigcerhConfiguration(this IServiceCollection services)
    {
        services.AddOptions<SigcerhTelemetryOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<SigcerhTelemetryOptions>, SigcerhTelemetryOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SigcerhTelemetryOptions>, SigcerhTelemetryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
