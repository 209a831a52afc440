using Microsoft.Extensions.DependencyInjection;
using Sigcerh.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Adds SIGCERH telemetry to a host application builder, such as <c>WebApplication.CreateBuilder()</c>. It lives in
/// <c>Microsoft.Extensions.Hosting</c>, beside <see cref="IHostApplicationBuilder"/>, as the framework's own extensions do.
/// </summary>
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
