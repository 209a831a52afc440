using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Sigcerh.Telemetry.Health;

/// <summary>
/// Adds the built-in checks when the options are first read, after the app registered everything, so a
/// <see cref="NpgsqlDataSource"/> added after <c>AddSigcerhTelemetry()</c> is still found.
/// </summary>
internal sealed class SigcerhHealthChecksSetup(IOptions<SigcerhTelemetryOptions> options, IServiceProviderIsService isService)
    : IConfigureOptions<HealthCheckServiceOptions>
{
    public void Configure(HealthCheckServiceOptions checks)
    {
        var h = options.Value.Health;
        var timeout = TimeSpan.FromSeconds(h.CheckTimeoutSeconds);
        string[] live = [HealthNames.LiveTag];
        string[] ready = [HealthNames.ReadyTag];

        Add(checks, HealthNames.Memory, sp => ActivatorUtilities.CreateInstance<MemoryHealthCheck>(sp), live, timeout);
        Add(checks, HealthNames.LogFile, sp => ActivatorUtilities.CreateInstance<LogFileHealthCheck>(sp), live, timeout);
        Add(checks, HealthNames.OtlpExport, sp => ActivatorUtilities.CreateInstance<OtlpExportHealthCheck>(sp), live, timeout);
        Add(checks, HealthNames.Disk, sp => ActivatorUtilities.CreateInstance<DiskSpaceHealthCheck>(sp), ready, timeout);

        if (h.PostgreSqlEnabled && (!string.IsNullOrWhiteSpace(h.PostgreSqlConnectionStringName) || isService.IsService(typeof(NpgsqlDataSource))))
        {
            Add(checks, HealthNames.PostgreSql, sp => ActivatorUtilities.CreateInstance<PostgreSqlHealthCheck>(sp), ready, timeout);
        }

        foreach (var dependency in h.HttpDependencies)
        {
            var d = dependency;
            Add(
                checks,
                d.Name,
                sp => new HttpDependencyHealthCheck(sp.GetRequiredService<HealthHttpClient>(), d),
                ready,
                TimeSpan.FromSeconds(d.TimeoutSeconds ?? h.CheckTimeoutSeconds),
                d.Required ? HealthStatus.Unhealthy : HealthStatus.Degraded);
        }
    }

    private static void Add(HealthCheckServiceOptions checks, string name, Func<IServiceProvider, IHealthCheck> factory, string[] tags, TimeSpan timeout, HealthStatus failureStatus = HealthStatus.Unhealthy)
    {
        // Configure may run for more than one options instance; never register a name twice.
        if (checks.Registrations.All(r => r.Name != name))
        {
            checks.Registrations.Add(new HealthCheckRegistration(name, factory, failureStatus, tags, timeout));
        }
    }
}
