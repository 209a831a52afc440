using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Extensions.Hosting;
using Serilog.Extensions.Logging;
using Sigcerh.Telemetry.Hosting;

namespace Sigcerh.Telemetry.Logging;

/// <summary>The logging step: Serilog is the one pipeline behind <c>ILogger</c>.</summary>
internal static class LoggingRegistration
{
    public static IServiceCollection AddSigcerhLogging(this IServiceCollection services)
    {
        services.TryAddSingleton<LogFileStatus>();
        services.TryAddSingleton<SigcerhLogPipeline>();

        // One shutdown budget for the log writer and the three OTLP queues.
        services.TryAddSingleton<ExportQueues>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TelemetryShutdown>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SigcerhTelemetryOptions>, ShutdownOptionsValidator>());

        // Replacing the factory removes the default providers, so no second copy of each event is written or exported.
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(
            sp => new SerilogLoggerFactory(sp.GetRequiredService<SigcerhLogPipeline>().Logger, dispose: false)));
        services.TryAddSingleton<IDiagnosticContext>(sp => new RequestDiagnosticContext(sp.GetRequiredService<SigcerhLogPipeline>().Logger));
        services.TryAddSingleton<MiddlewarePlacement>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, SigcerhStartupFilter>());
        return services;
    }
}
