using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Sigcerh.Telemetry.Tests.TestHost;

/// <summary>
/// A real ASP.NET Core app on a loopback port, with configuration from a dictionary only (machine OTEL_* variables
/// cannot leak in) and its own temporary content root, so log files are per test.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri baseAddress, string contentRoot)
    {
        _app = app;
        BaseAddress = baseAddress;
        ContentRoot = contentRoot;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public string ContentRoot { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The default log folder, <c>logs/</c> under the content root.</summary>
    public string LogDirectory => Path.Combine(ContentRoot, "logs");

    /// <summary>
    /// Builds and starts an app with <c>AddSigcerhTelemetry()</c>. <paramref name="configureServices"/> runs after it,
    /// <paramref name="map"/> maps endpoints.
    /// </summary>
    public static async Task<TestApp> StartAsync(
        IDictionary<string, string?>? configuration = null,
        Action<WebApplicationBuilder>? configureServices = null,
        Action<WebApplication>? map = null,
        string environment = "Production",
        Action<SigcerhTelemetryOptions>? configure = null,
        bool addTelemetry = true)
    {
        var contentRoot = Path.Combine(Path.GetTempPath(), "sigcerh-app-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(contentRoot);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = contentRoot,
            ApplicationName = typeof(TestApp).Assembly.GetName().Name,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(configuration ?? new Dictionary<string, string?>());
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (addTelemetry)
        {
            builder.AddSigcerhTelemetry(configure);
        }

        configureServices?.Invoke(builder);
        var app = builder.Build();
        map?.Invoke(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, new Uri(address), contentRoot);
    }

    /// <summary>Stops the app (flushing logs and telemetry) and deletes its content root.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(ContentRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Stops the app so files are flushed, keeping the content root for inspection.</summary>
    public async Task StopAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
