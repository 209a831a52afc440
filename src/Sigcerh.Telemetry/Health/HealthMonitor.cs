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
    private static readonly TimeSpan FirstRunDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var h = options.Value.Health;
        if (h.BackgroundIntervalSeconds <= 0 || !(h.Enabled || registry.MappedExplicitly))
        {
            return;
        }

        // Creating the runner registers the gauge even before the first run finishes.
        var runner = services.GetRequiredService<HealthRunner>();
        var interval = TimeSpan.FromSeconds(h.BackgroundIntervalSeconds);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            // The first round (a PostgreSQL connection, disk and memory probes, their JIT) waits a moment, so it does not
            // compete with the service's own startup and first requests; probes of /health run checks on demand anyway.
            await Task.Delay(interval < FirstRunDelay ? interval : FirstRunDelay, time, stoppingToken).ConfigureAwait(false);
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
