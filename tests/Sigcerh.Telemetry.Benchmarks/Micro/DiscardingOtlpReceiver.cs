using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sigcerh.Telemetry.Benchmarks.Micro;

/// <summary>
/// A loopback OTLP/HTTP endpoint that reads each request body and answers 200, so the log exporter does its real work
/// (protobuf encoding and an HTTP call) without a dashboard process in the benchmark.
/// </summary>
internal sealed class DiscardingOtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _requests;

    private DiscardingOtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public long Requests => Interlocked.Read(ref _requests);

    public static async Task<DiscardingOtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new DiscardingOtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (HttpContext ctx) =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null).ConfigureAwait(false);
            Interlocked.Increment(ref receiver._requests);
            ctx.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = new Uri(address);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
