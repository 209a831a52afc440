using System.Collections.Concurrent;
using System.Net;
using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

/// <summary>A loopback HTTP listener that records OTLP/HTTP JSON bodies by path.</summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, string Body)> _bodies = new();
    private readonly Task _loop;

    private OtlpReceiver(int port)
    {
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Endpoint { get; }

    public static Task<OtlpReceiver> StartAsync() => Task.FromResult(new OtlpReceiver(FreePort.Next()));

    public string[] Bodies(string path) => _bodies.Where(b => b.Path == path).Select(b => b.Body).ToArray();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            using (var reader = new StreamReader(ctx.Request.InputStream))
            {
                _bodies.Enqueue((ctx.Request.Url!.AbsolutePath, await reader.ReadToEndAsync()));
            }

            ctx.Response.StatusCode = 200;
            ctx.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
