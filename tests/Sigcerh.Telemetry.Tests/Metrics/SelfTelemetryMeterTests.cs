using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Metrics;

/// <summary>
/// Self-telemetry (health status, dropped items) has its own meter, <c>Sigcerh.Telemetry</c>, apart from the business
/// meter <c>Sigcerh</c>: a listener that enables one gets none of the other's instruments.
/// </summary>
public sealed class SelfTelemetryMeterTests
{
    private static readonly string[] SelfInstruments = ["sigcerh.health.status", "sigcerh.telemetry.dropped"];

    [Fact]
    public async Task The_business_meter_can_be_enabled_without_the_self_telemetry_meter()
    {
        var exported = await ExportFromOwnProviderAsync(SigcerhMetrics.MeterName);

        Assert.Contains(exported, m => m.Name == "sigcerh.applications.created");
        Assert.DoesNotContain(exported, m => SelfInstruments.Contains(m.Name));
    }

    [Fact]
    public async Task The_self_telemetry_meter_can_be_enabled_without_the_business_meter()
    {
        var exported = await ExportFromOwnProviderAsync("Sigcerh.Telemetry");

        Assert.All(SelfInstruments, name => Assert.Contains(exported, m => m.Name == name));
        Assert.DoesNotContain(exported, m => m.Name.StartsWith("sigcerh.", StringComparison.Ordinal) && !SelfInstruments.Contains(m.Name));
    }

    [Fact]
    public async Task The_package_exports_both_meters_each_under_its_own_name()
    {
        var exported = new List<Metric>();
        await using var app = await StartAsync(b => b.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported)));
        await RecordAsync(app);
        app.Services.GetRequiredService<MeterProvider>().ForceFlush(5000);

        Assert.All(SelfInstruments, name => Assert.Equal("Sigcerh.Telemetry", exported.Last(m => m.Name == name).MeterName));
        Assert.Equal(SigcerhMetrics.MeterName, exported.Last(m => m.Name == "sigcerh.applications.created").MeterName);
    }

    [Fact]
    public async Task Process_cpu_and_memory_come_from_the_built_in_System_Runtime_meter()
    {
        // The prerelease process instrumentation is gone; on .NET 9+ the runtime publishes these itself.
        var exported = new List<Metric>();
        await using var app = await StartAsync(b => b.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported)));
        app.Services.GetRequiredService<MeterProvider>().ForceFlush(5000);

        foreach (var name in new[] { "dotnet.process.cpu.time", "dotnet.process.memory.working_set", "dotnet.process.cpu.count" })
        {
            var metric = exported.Last(m => m.Name == name);
            Assert.Equal("System.Runtime", metric.MeterName);
        }

        var cpu = exported.Last(m => m.Name == "dotnet.process.cpu.time");
        Assert.Equal(MetricType.DoubleSum, cpu.MetricType);
        Assert.Equal("s", cpu.Unit);
    }

    /// <summary>Runs the package in a real app and reads its instruments through a separate SDK provider on one meter.</summary>
    private static async Task<List<Metric>> ExportFromOwnProviderAsync(string meterName)
    {
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(meterName).AddInMemoryExporter(exported).Build();
        await using var app = await StartAsync();
        await RecordAsync(app);
        provider.ForceFlush(5000);
        return exported;
    }

    private static Task<TestApp> StartAsync(Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null) =>
        TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:Health:BackgroundIntervalSeconds"] = "0",
            },
            configure);

    private static async Task RecordAsync(TestApp app)
    {
        app.Services.GetRequiredService<SigcerhMetrics>().ApplicationCreated("constancia");
        using (await app.Client.GetAsync(new Uri("/health", UriKind.Relative)))
        {
        }
    }
}
