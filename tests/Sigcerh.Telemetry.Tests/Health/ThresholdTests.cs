using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Health;

namespace Sigcerh.Telemetry.Tests.Health;

public class ThresholdTests
{
    [Theory]
    [InlineData(79, HealthStatus.Healthy)]
    [InlineData(80, HealthStatus.Degraded)]
    [InlineData(89, HealthStatus.Degraded)]
    [InlineData(90, HealthStatus.Unhealthy)]
    public async Task Disk_check_follows_the_ops_plan_thresholds(double usedPercent, HealthStatus expected)
    {
        var check = new DiskSpaceHealthCheck(new FakeDiskProbe(usedPercent), Options.Create(new SigcerhTelemetryOptions()), new Env());

        var result = await check.CheckHealthAsync(Context(HealthNames.Disk));

        Assert.Equal(expected, result.Status);
        Assert.Equal(usedPercent, (double)result.Data["usedPercent"], 1);
    }

    [Theory]
    [InlineData(84, HealthStatus.Healthy)]
    [InlineData(85, HealthStatus.Degraded)]
    [InlineData(94, HealthStatus.Degraded)]
    [InlineData(95, HealthStatus.Unhealthy)]
    public async Task Memory_check_follows_the_ops_plan_thresholds(double usedPercent, HealthStatus expected)
    {
        var check = new MemoryHealthCheck(new FakeMemoryProbe(usedPercent), Options.Create(new SigcerhTelemetryOptions()));

        var result = await check.CheckHealthAsync(Context(HealthNames.Memory));

        Assert.Equal(expected, result.Status);
        Assert.Equal(usedPercent, (double)result.Data["usedPercent"], 1);
    }

    [Fact]
    public async Task Thresholds_are_configurable()
    {
        var o = new SigcerhTelemetryOptions();
        o.Health.DiskDegradedPercent = 50;
        o.Health.DiskUnhealthyPercent = 60;
        o.Health.MemoryDegradedPercent = 50;
        o.Health.MemoryUnhealthyPercent = 60;

        var disk = await new DiskSpaceHealthCheck(new FakeDiskProbe(55), Options.Create(o), new Env()).CheckHealthAsync(Context(HealthNames.Disk));
        var memory = await new MemoryHealthCheck(new FakeMemoryProbe(61), Options.Create(o)).CheckHealthAsync(Context(HealthNames.Memory));

        Assert.Equal(HealthStatus.Degraded, disk.Status);
        Assert.Equal(HealthStatus.Unhealthy, memory.Status);
    }

    [Fact]
    public async Task Disk_check_reports_labels_and_never_host_paths()
    {
        var o = new SigcerhTelemetryOptions();
        o.Health.DiskPaths["uploads"] = "/srv/sigcerh/uploads";
        var env = new Env();

        var result = await new DiskSpaceHealthCheck(new FakeDiskProbe(10), Options.Create(o), env).CheckHealthAsync(Context(HealthNames.Disk));

        Assert.Contains("logsUsedPercent", result.Data.Keys);
        Assert.Contains("contentRootUsedPercent", result.Data.Keys);
        Assert.Contains("uploadsUsedPercent", result.Data.Keys);
        var text = result.Description + string.Join(",", result.Data.Select(kv => kv.Key + "=" + kv.Value));
        Assert.DoesNotContain("/srv", text, StringComparison.Ordinal);
        Assert.DoesNotContain(env.ContentRootPath, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Real_disk_probe_measures_a_folder_that_does_not_exist_yet_through_its_parent()
    {
        var usage = new DiskSpaceProbe().Measure(Path.Combine(Path.GetTempPath(), "sigcerh-missing-" + Guid.NewGuid().ToString("N"), "logs"));

        Assert.True(usage.UsedBytes + usage.AvailableBytes > 0);
        Assert.InRange(usage.UsedPercent, 0, 100);
    }

    private static HealthCheckContext Context(string name) => new()
    {
        Registration = new HealthCheckRegistration(name, new Noop(), HealthStatus.Unhealthy, null),
    };

    private sealed class Noop : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(HealthCheckResult.Healthy());
    }

    private sealed class Env : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";

        public string ApplicationName { get; set; } = "test";

        public string ContentRootPath { get; set; } = Path.Combine(Path.GetTempPath(), "sigcerh-root-x");

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
