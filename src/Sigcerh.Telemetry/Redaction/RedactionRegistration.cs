using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>The redaction step: one redactor for logs and spans, and the validation of its settings.</summary>
internal static class RedactionRegistration
{
    public static IServiceCollection AddSigcerhRedaction(this IServiceCollection services)
    {
        services.TryAddSingleton<PiiRedactor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SigcerhTelemetryOptions>, RedactionOptionsValidator>());
        return services;
    }
}
