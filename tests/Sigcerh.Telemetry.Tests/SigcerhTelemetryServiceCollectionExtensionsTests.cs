using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests;

public sealed class SigcerhTelemetryServiceCollectionExtensionsTests
{
    [Fact]
    public void Calling_it_twice_registers_each_service_once()
    {
        var once = new ServiceCollection().AddSigcerhTelemetry();
        var twice = new ServiceCollection().AddSigcerhTelemetry().AddSigcerhTelemetry();

        Assert.Equal(once.Count, twice.Count);
        Assert.Single(twice, d => d.ServiceType == typeof(ILoggerFactory));
        var filters = twice.Where(d => d.ServiceType == typeof(IStartupFilter)).Select(d => d.ImplementationType).ToList();
        Assert.Equal(filters.Distinct().Count(), filters.Count);
        Assert.Single(filters, t => t?.Name == "SigcerhStartupFilter");
        Assert.Single(twice, d => d.ServiceType == typeof(IValidateOptions<SigcerhTelemetryOptions>) && d.ImplementationType?.Namespace == "Sigcerh.Telemetry.Configuration");
        Assert.Single(twice, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "TelemetryStatusReporter");
    }

    [Fact]
    public async Task Calling_it_twice_in_an_app_writes_each_event_once_and_keeps_both_delegates()
    {
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false" },
            b => b.Services.AddSigcerhTelemetry(o => o.ServiceVersion = "9.9.9"),
            a => a.MapGet("/", (ILogger<SigcerhTelemetryServiceCollectionExtensionsTests> log) => log.LogInformation("una sola vez")),
            configure: o => o.ServiceName = "sigcerh-twice");
        using (await app.Client.GetAsync(new Uri("/", UriKind.Relative)))
        {
        }

        var options = app.Services.GetRequiredService<IOptions<SigcerhTelemetryOptions>>().Value;
        Assert.Equal("sigcerh-twice", options.ServiceName);
        Assert.Equal("9.9.9", options.ServiceVersion);
        await app.StopAsync();

        var events = LogFiles.ReadEvents(app.LogDirectory);
        Assert.Single(events, e => LogFiles.Template(e) == "una sola vez");
        Assert.Single(events, e => LogFiles.Template(e).StartsWith("HTTP ", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(app.LogDirectory));
    }

    [Fact]
    public async Task The_startup_filter_can_be_switched_off()
    {
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false", ["SigcerhTelemetry:UseStartupFilter"] = "false" },
            map: a => a.MapGet("/", () => "ok"));
        using (await app.Client.GetAsync(new Uri("/", UriKind.Relative)))
        {
        }

        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await app.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        await app.StopAsync();
        Assert.DoesNotContain(LogFiles.ReadEvents(app.LogDirectory), e => LogFiles.Template(e).StartsWith("HTTP ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_host_builder_overload_returns_the_same_builder()
    {
        var builder = WebApplication.CreateBuilder();
        Assert.Same(builder, builder.AddSigcerhTelemetry());
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(IStartupFilter));
    }
}
