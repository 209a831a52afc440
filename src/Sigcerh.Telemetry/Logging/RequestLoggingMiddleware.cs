using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;
using Sigcerh.Telemetry.Tracing;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// Writes the one completion event per request (method, path, route, status, elapsed ms, plus anything the app added
/// through <c>IDiagnosticContext</c>). It does what Serilog.AspNetCore's request logging does with a fraction of the
/// allocations: the event is assembled from one pre-sized dictionary, values that repeat (method, route, status) are
/// cached, and a request below the minimum level (health probes) builds nothing.
/// </summary>
internal sealed class RequestLoggingMiddleware(RequestDelegate next, Logger logger, RequestPathFilter paths)
{
    private const string NoRoute = "(no route)";

    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse(RequestLogging.MessageTemplate);

    private readonly ConcurrentDictionary<string, ScalarValue> _strings = new(StringComparer.Ordinal);
    private readonly ScalarValue?[] _statuses = new ScalarValue?[600];
    private int _cachedStrings;

    public async Task InvokeAsync(HttpContext ctx)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(ctx).ConfigureAwait(false);
        }
        catch (Exception ex) when (Write(ctx, start, ex))
        {
            // Write returns false: the filter only logs, the exception propagates with its stack intact.
        }

        Write(ctx, start, null);
    }

    private bool Write(HttpContext ctx, long start, Exception? ex)
    {
        var level = RequestLogging.Level(ctx, ex, paths);
        if (!logger.IsEnabled(level))
        {
            return false;
        }

        var elapsed = Math.Round(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 4);
        var activity = Activity.Current;
        Exception? collectedException = null;
        var collected = RequestDiagnosticContext.Collected(activity)?.Complete(out collectedException);
        var properties = new Dictionary<string, LogEventPropertyValue>(5 + (collected?.Count ?? 0), StringComparer.Ordinal)
        {
            ["RequestMethod"] = Cached(ctx.Request.Method),
            ["RequestPath"] = new ScalarValue(ctx.Request.Path.Value),
            ["StatusCode"] = Status(ex is null ? ctx.Response.StatusCode : StatusCodes.Status500InternalServerError),
            ["Elapsed"] = new ScalarValue(elapsed),
            ["RequestRoute"] = Cached(ctx.GetEndpoint() is RouteEndpoint e ? e.RoutePattern.RawText ?? "/" : NoRoute),
        };
        if (collected is not null)
        {
            for (var i = 0; i < collected.Count; i++)
            {
                properties[collected[i].Name] = collected[i].Value;
            }
        }

        logger.Write(LogEvent.UnstableAssembleFromParts(
            DateTimeOffset.Now,
            level,
            ex ?? collectedException,
            Template,
            properties,
            activity?.TraceId ?? default,
            activity?.SpanId ?? default));
        return false;
    }

    // Methods and route templates are a small, fixed set per app; the bound stops a flood of odd methods.
    private ScalarValue Cached(string value)
    {
        if (_strings.TryGetValue(value, out var cached))
        {
            return cached;
        }

        var scalar = new ScalarValue(value);
        if (Volatile.Read(ref _cachedStrings) < 1024 && _strings.TryAdd(value, scalar))
        {
            Interlocked.Increment(ref _cachedStrings);
        }

        return scalar;
    }

    private ScalarValue Status(int status) =>
        (uint)status < (uint)_statuses.Length ? _statuses[status] ??= new ScalarValue(status) : new ScalarValue(status);
}
