using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Sigcerh.Telemetry.Hosting;

/// <summary>Runs configuration that needs the built container, such as options-driven exporters and sources.</summary>
internal static class ProviderBuilderExtensions
{
    public static TracerProviderBuilder Deferred(this TracerProviderBuilder builder, Action<IServiceProvider, TracerProviderBuilder> configure) =>
        builder is IDeferredTracerProviderBuilder deferred
            ? deferred.Configure(configure)
            : throw new NotSupportedException("The tracer provider builder does not support deferred configuration.");

    public static MeterProviderBuilder Deferred(this MeterProviderBuilder builder, Action<IServiceProvider, MeterProviderBuilder> configure) =>
        builder is IDeferredMeterProviderBuilder deferred
            ? deferred.Configure(configure)
            : throw new NotSupportedException("The meter provider builder does not support deferred configuration.");
}
