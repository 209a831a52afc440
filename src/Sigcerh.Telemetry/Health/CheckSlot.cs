using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;

namespace Sigcerh.Telemetry.Health;

/// <summary>
/// One check with its cache. Within the cache window every caller gets the same result; callers that arrive while a run
/// is in flight share it (single flight). A check that ignores its timeout is never started a second time while the
/// first call is still running, so a hanging database cannot make work pile up.
/// </summary>
internal sealed partial class CheckSlot
{
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan RepeatLogEvery = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly HealthCheckRegistration _registration;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cache;
    private readonly ILogger _logger;
    private CheckResult? _last;
    private DateTimeOffset _expires;
    private Task<CheckResult>? _inflight;
    private Task? _running;
    private HealthStatus? _loggedStatus;
    private DateTimeOffset _loggedAt;

    public CheckSlot(HealthCheckRegistration registration, IServiceScopeFactory scopes, TimeProvider time, TimeSpan cache, ILogger logger)
    {
        _registration = registration;
        _scopes = scopes;
        _time = time;
        _cache = cache;
        _logger = logger;
        Timeout = registration.Timeout == System.Threading.Timeout.InfiniteTimeSpan ? TimeSpan.FromSeconds(5) : registration.Timeout;
    }

    public string Name => _registration.Name;

    public ISet<string> Tags => _registration.Tags;

    public TimeSpan Timeout { get; }

    /// <summary>The latest result, or null before the first run; read by the metric.</summary>
    public CheckResult? Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>The cached result, the run in flight, or a new run. Never throws.</summary>
    public Task<CheckResult> GetAsync()
    {
        lock (_gate)
        {
            if (_last is not null && _time.GetUtcNow() < _expires)
            {
                return Task.FromResult(_last);
            }

            // Task.Run: the run never executes inside the lock, and it is not tied to the caller's cancellation.
            return _inflight ??= Task.Run(RunAsync);
        }
    }

    private async Task<CheckResult> RunAsync()
    {
        // Background runs have no request activity; a plain one gives the log record a trace id to quote.
        using var own = Activity.Current is null ? new Activity("Sigcerh.Health").Start() : null;
        var traceId = Activity.Current?.TraceId.ToHexString();
        var started = _time.GetTimestamp();
        HealthCheckResult result;
        if (_running is { IsCompleted: false })
        {
            result = new HealthCheckResult(
                _registration.FailureStatus,
                string.Create(CultureInfo.InvariantCulture, $"The previous run has not returned after its {Timeout.TotalSeconds} s timeout"));
        }
        else
        {
            var cts = new CancellationTokenSource(Timeout, _time);
            var running = Task.Run(() => ExecuteAsync(cts.Token));
            _running = running;
            _ = running.ContinueWith(_ => cts.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var finished = await Task.WhenAny(running, Task.Delay(Timeout + Grace, _time)).ConfigureAwait(false);
            result = finished == running ? await running.ConfigureAwait(false) : TimedOut();
        }

        var checkedAt = _time.GetUtcNow();
        var outcome = new CheckResult(
            Name,
            result.Status,
            Describe(result),
            PrimitiveData(result.Data),
            _time.GetElapsedTime(started),
            checkedAt,
            result.Status == HealthStatus.Healthy ? null : traceId);
        Report(outcome, result.Exception, checkedAt);

        lock (_gate)
        {
            _last = outcome;
            _expires = _time.GetUtcNow() + _cache;
            _inflight = null;
        }

        return outcome;
    }

    private async Task<HealthCheckResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        // Health is not traced: no HttpClient or Npgsql spans from inside a check.
        using var suppress = SuppressInstrumentationScope.Begin();
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            try
            {
                var check = _registration.Factory(scope.ServiceProvider);
                var context = new HealthCheckContext { Registration = _registration };
                return await check.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return TimedOut();
            }
#pragma warning disable CA1031 // Any failure of a check is a status, never an error page; the exception goes to the log.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return new HealthCheckResult(_registration.FailureStatus, "The check failed", ex);
            }
        }
    }

    private HealthCheckResult TimedOut() => new(
        _registration.FailureStatus,
        string.Create(CultureInfo.InvariantCulture, $"No answer within {Timeout.TotalSeconds} s"));

    private static string Describe(HealthCheckResult result)
    {
        var d = result.Description;
        if (string.IsNullOrWhiteSpace(d))
        {
            return result.Status.ToString();
        }

        // Third-party checks sometimes copy the exception message into the description; that text may hold secrets.
        return result.Exception is { } ex && d.Contains(ex.Message, StringComparison.Ordinal) ? "The check failed" : d;
    }

    private static IReadOnlyDictionary<string, object> PrimitiveData(IReadOnlyDictionary<string, object> data)
    {
        if (data.Count == 0)
        {
            return CheckResult.NoData;
        }

        var copy = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (k, v) in data)
        {
            if (v is string or bool or int or long or double or float or decimal or short or byte or uint or ulong)
            {
                copy[k] = v;
            }
        }

        return copy;
    }

    // Failures go to the log with their exception, at most every few minutes while the status stays the same.
    private void Report(CheckResult outcome, Exception? exception, DateTimeOffset now)
    {
        var previous = _loggedStatus;
        var ms = outcome.Duration.TotalMilliseconds;
        if (outcome.Status == HealthStatus.Healthy)
        {
            if (previous is { } p && p != HealthStatus.Healthy)
            {
                LogRecovered(_logger, Name, p, ms);
            }
        }
        else if (previous != outcome.Status || now - _loggedAt >= RepeatLogEvery)
        {
            if (outcome.Status == HealthStatus.Degraded)
            {
                LogDegraded(_logger, exception, Name, outcome.Description, ms);
            }
            else
            {
                LogUnhealthy(_logger, exception, Name, outcome.Description, ms);
            }

            _loggedAt = now;
        }
        else
        {
            LogStillFailing(_logger, exception, Name, outcome.Status, outcome.Description);
        }

        _loggedStatus = outcome.Status;
    }

    [LoggerMessage(1, LogLevel.Warning, "Health check {HealthCheck} is Degraded: {HealthDescription} ({ElapsedMs:0.0} ms)")]
    private static partial void LogDegraded(ILogger logger, Exception? exception, string healthCheck, string healthDescription, double elapsedMs);

    [LoggerMessage(2, LogLevel.Error, "Health check {HealthCheck} is Unhealthy: {HealthDescription} ({ElapsedMs:0.0} ms)")]
    private static partial void LogUnhealthy(ILogger logger, Exception? exception, string healthCheck, string healthDescription, double elapsedMs);

    [LoggerMessage(3, LogLevel.Information, "Health check {HealthCheck} is Healthy again after being {PreviousStatus} ({ElapsedMs:0.0} ms)")]
    private static partial void LogRecovered(ILogger logger, string healthCheck, HealthStatus previousStatus, double elapsedMs);

    [LoggerMessage(4, LogLevel.Debug, "Health check {HealthCheck} is still {HealthStatus}: {HealthDescription}")]
    private static partial void LogStillFailing(ILogger logger, Exception? exception, string healthCheck, HealthStatus healthStatus, string healthDescription);
}
