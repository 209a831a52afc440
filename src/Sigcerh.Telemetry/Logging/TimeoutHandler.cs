namespace Sigcerh.Telemetry.Logging;

/// <summary>Bounds each OTLP log export call: the sink's HttpClient would otherwise wait 100 s on a hung collector.</summary>
internal sealed class TimeoutHandler(TimeSpan timeout) : DelegatingHandler(new SocketsHttpHandler { ConnectTimeout = timeout })
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        return await base.SendAsync(request, cts.Token).ConfigureAwait(false);
    }
}
