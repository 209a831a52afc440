using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>The redaction step: one redactor for logs and spans.</summary>
internal static class RedactionRegistration
{
    public static IServiceCollection AddSigcerhRedaction(this IServiceCollection services)
    {
        services.TryAddSingleton<PiiRedactor>();
        return services;
    }
}
