using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Export;

namespace Sigcerh.Telemetry.Health;

/// <summary>
/// Runs the registered checks (the built-in ones and any added with <c>AddHealthChecks()</c>) through their cached
/// slots, within the endpoint bound, and exports each check's latest status as <c>sigcerh.health.status</c>.
/// </summary>
internal sealed class HealthRunner
{
    private readonly CheckSlot[] _slots;
    private readonly TimeProvider _time;
    private readonly TimeSpan _bound;

    public HealthRunner(
        IOptions<HealthCheckServiceOptions> checks,
        IOptions<SigcerhTelemetryOptions> options,
        IServiceScopeFactory scopes,
        TimeProvider time,
        IMeterFactory meterFactory,
        ILoggerFactory loggerFactory)
    {
        var h = options.Value.Health;
        _time = time;
        _bound = TimeSpan.FromSeconds(h.EndpointTimeoutSeconds);
        var logger = loggerFactory.CreateLogger("Sigcerh.Telemetry.Health");
        var cache = TimeSpan.FromSeconds(h.CacheSeconds);
        _slots = [.. checks.Value.Registrations.Select(r => new CheckSlot(r, scopes, time, cache, logger))];

        var meter = meterFactory.Create(TelemetryDropCounter.MeterName);
        meter.CreateObservableGauge(
            HealthNames.MetricName,
            Observe,
            unit: null,
            description: "Status of each health check: 1 healthy, 0.5 degraded, 0 unhealthy.");
    }

    public IReadOnlyList<CheckSlot> Slots => _slots;

    /// <summary>Runs the checks of <paramref name="scope"/>; answers within the endpoint bound whatever the checks do.</summary>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(HealthScope scope, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var selected = _slots.Where(s => Selects(scope, s)).ToArray();
        var tasks = selected.Select(s => s.GetAsync()).ToArray();
        var all = Task.WhenAll(tasks);
        try
        {
            await all.WaitAsync(_bound, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reported below, check by check.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller left; the runs go on and fill the cache for the next probe.
        }

        var results = new CheckResult[selected.Length];
        for (var i = 0; i < selected.Length; i++)
        {
            results[i] = tasks[i].IsCompletedSuccessfully
                ? tasks[i].Result
                : new CheckResult(
                    selected[i].Name,
                    HealthStatus.Unhealthy,
                    string.Create(CultureInfo.InvariantCulture, $"Did not finish within the endpoint's {_bound.TotalSeconds} s bound"),
                    CheckResult.NoData,
                    _time.GetElapsedTime(started),
                    _time.GetUtcNow(),
                    Activity.Current?.TraceId.ToHexString());
        }

        return results;
    }

    public static HealthStatus Overall(IEnumerable<CheckResult> results) =>
        results.Select(r => r.Status).DefaultIfEmpty(HealthStatus.Healthy).Min();

    private static bool Selects(HealthScope scope, CheckSlot slot) => scope switch
    {
        HealthScope.Live => slot.Tags.Contains(HealthNames.LiveTag),
        HealthScope.Ready => slot.Tags.Contains(HealthNames.ReadyTag),
        _ => true,
    };

    private IEnumerable<Measurement<double>> Observe()
    {
        foreach (var slot in _slots)
        {
            if (slot.Last is { } last)
            {
                yield return new Measurement<double>(last.MetricValue, new KeyValuePair<string, object?>(HealthNames.MetricAttribute, slot.Name));
            }
        }
    }
}
