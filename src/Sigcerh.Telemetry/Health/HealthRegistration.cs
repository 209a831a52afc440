using Microsoft.Extensions.DependencyInjection;

namespace Sigcerh.Telemetry.Health;

/// <summary>The health step: the checks behind <c>{base}</c>, <c>{base}/live</c> and <c>{base}/ready</c>.</summary>
internal static class HealthRegistration
{
    public static IServiceCollection AddSigcerhHealth(this IServiceCollection services)
    {
        services.AddHealthChecks();
        return services;
    }
}
