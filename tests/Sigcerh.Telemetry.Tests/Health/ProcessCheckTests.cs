using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Health;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Tests.Health;

public class ProcessCheckTests
{
    private static readonly HealthCheckContext Context = new()
    {
        Registration = new HealthCheckRegistration("x", _ => null!, HealthStatus.Unhealthy, null),
    };

    [Fact]
    public async Task Otlp_export_check_is_degraded_while_drops_are_recent_and_healthy_after_the_window()
    {
        var o = new SigcerhTelemetryOptions();
        o.Otlp.Endpoint = "http://127.0.0.1:4317";
        var options = Options.Create(o);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var meters = new TestMeterFactory();
        var drops = new TelemetryDropCounter(meters, time);
        var check = new OtlpExportHealthCheck(new OtlpTarget(options), drops, time, options);

        var before = await check.CheckHealthAsync(Context);
        drops.Add(TelemetrySignal.Logs, 3);
        var during = await check.CheckHealthAsync(Context);
        time.Advance(TimeSpan.FromSeconds(299));
        var stillDuring = await check.CheckHealthAsync(Context);
        time.Advance(TimeSpan.FromSeconds(2));
        var after = await check.CheckHealthAsync(Context);

        Assert.Equal(HealthStatus.Healthy, before.Status);
        Assert.Equal(HealthStatus.Degraded, during.Status);
        Assert.Equal(3L, during.Data["droppedTotal"]);
        Assert.Equal(HealthStatus.Degraded, stillDuring.Status);
        Assert.Equal(HealthStatus.Healthy, after.Status);
    }

    [Fact]
    public async Task Otlp_export_check_is_healthy_when_export_is_off()
    {
        var options = Options.Create(new SigcerhTelemetryOptions());
        using var meters = new TestMeterFactory();
        var drops = new TelemetryDropCounter(meters, TimeProvider.System);
        drops.Add(TelemetrySignal.Traces, 1);

        var result = await new OtlpExportHealthCheck(new OtlpTarget(options), drops, TimeProvider.System, options).CheckHealthAsync(Context);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Log_file_check_is_degraded_when_the_folder_cannot_be_written_and_keeps_the_path_out_of_the_description()
    {
        var file = Path.GetTempFileName();
        try
        {
            var status = new LogFileStatus();
            status.Probe(Path.Combine(file, "logs")); // a folder under a regular file can never be created, even as root
            var result = await new LogFileHealthCheck(status).CheckHealthAsync(Context);

            Assert.Equal(HealthStatus.Degraded, result.Status);
            Assert.DoesNotContain(file, result.Description, StringComparison.Ordinal);
            Assert.NotNull(result.Exception);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Log_file_check_is_healthy_for_a_writable_folder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sigcerh-logcheck-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var status = new LogFileStatus();
            status.Probe(dir);

            Assert.Equal(HealthStatus.Healthy, (await new LogFileHealthCheck(status).CheckHealthAsync(Context)).Status);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
