using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Health;

/// <summary>
/// Runs every check on an interval, through the same cache, so <c>sigcerh.health.status</c> stays current when nobody
/// probes; it never adds runs within a cache window.
/// </summary>
internal sealed class HealthMonitor(IServiceProvider services, HealthEndpointRegistry registry, IOptions<SigcerhTelemetryOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var h = options.Value.Health;
        if (h.BackgroundIntervalSeconds <= 0 || !(h.Enabled || registry.MappedExplicitly))
        {
            return;
        }

        // Creating the runner registers the gauge even before the first run finishes.
        var runner = services.GetRequiredService<HealthRunner>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(h.BackgroundIntervalSeconds), time);
        try
        {
            do
            {
                await runner.RunAsync(HealthScope.All, stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
