using System.Diagnostics;
using Serilog;
using Serilog.Core;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// <see cref="IDiagnosticContext"/> without a per-request async-local: what the app sets is kept on the request's own
/// <see cref="Activity"/> (which ASP.NET Core creates whenever logging is on and already flows with the request), so
/// only requests that call <c>Set</c> pay for a collection. Serilog's context pushed and popped an async-local scope and
/// built a collector for every request, a few hundred bytes each.
/// </summary>
internal sealed class RequestDiagnosticContext(Logger logger) : IDiagnosticContext
{
    // ASP.NET Core's name for the activity of an incoming request; stable since .NET Core 2.
    private const string RequestActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";
    private const string PropertyKey = "Sigcerh.Telemetry.RequestDiagnostics";

    private readonly Lock _gate = new();

    public void Set(string propertyName, object? value, bool destructureObjects = false)
    {
        if (RequestActivity(Activity.Current) is { } activity && logger.BindProperty(propertyName, value, destructureObjects, out var property))
        {
            For(activity).Set(property);
        }
    }

    public void SetException(Exception exception)
    {
        if (RequestActivity(Activity.Current) is { } activity)
        {
            For(activity).SetException(exception);
        }
    }

    /// <summary>What was collected for the request that <paramref name="activity"/> belongs to, or null if nothing.</summary>
    public static RequestDiagnostics? Collected(Activity? activity) =>
        RequestActivity(activity)?.GetCustomProperty(PropertyKey) as RequestDiagnostics;

    private RequestDiagnostics For(Activity activity)
    {
        if (activity.GetCustomProperty(PropertyKey) is RequestDiagnostics existing)
        {
            return existing;
        }

        // Two first calls racing on one request must not each start a collection.
        lock (_gate)
        {
            if (activity.GetCustomProperty(PropertyKey) is not RequestDiagnostics diagnostics)
            {
                diagnostics = new RequestDiagnostics();
                activity.SetCustomProperty(PropertyKey, diagnostics);
            }

            return diagnostics;
        }
    }

    // Set may run inside a child span (an HttpClient call, a database command): the request's activity is an ancestor.
    private static Activity? RequestActivity(Activity? activity)
    {
        for (; activity is not null; activity = activity.Parent)
        {
            if (activity.OperationName == RequestActivityName)
            {
                return activity;
            }
        }

        return null;
    }
}
