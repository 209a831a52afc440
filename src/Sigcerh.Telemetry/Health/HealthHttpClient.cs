using System.Net;

namespace Sigcerh.Telemetry.Health;

/// <summary>
/// One client for the HTTP dependency checks: no redirects, no trace headers, and not from IHttpClientFactory, whose
/// handlers log every request at Information.
/// </summary>
internal sealed class HealthHttpClient : IDisposable
{
    public HttpClient Client { get; } = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ActivityHeadersPropagator = null,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public void Dispose() => Client.Dispose();
}
