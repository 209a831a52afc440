namespace Sigcerh.Telemetry.Hosting;

/// <summary>
/// Remembers whether the app placed the request-logging middleware itself (<c>UseSigcerhRequestLogging()</c>), so the
/// startup filter does not add a second one and each request still gets exactly one completion event.
/// </summary>
internal sealed class MiddlewarePlacement
{
    private volatile bool _requestLoggingPlaced;

    public bool RequestLoggingPlaced
    {
        get => _requestLoggingPlaced;
        set => _requestLoggingPlaced = value;
    }
}
