using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sigcerh.Telemetry;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds SIGCERH telemetry to a host application builder, such as <c>WebApplication.CreateBuilder()</c>.</summary>
public static class SigcerhTelemetryHostApplicationBuilderExtensions
{
    /// <summary>Same as <c>builder.Services.AddSigcerhTelemetry(configure)</c>.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The host application builder.</param>
    /// <param name="configure">Optional settings applied after configuration.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder AddSigcerhTelemetry<TBuilder>(this TBuilder builder, Action<SigcerhTelemetryOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSigcerhTelemetry(configure);
        return builder;
    }
}
