using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Health;
using Sigcerh.Telemetry.Logging;
using Sigcerh.Telemetry.Tests.Health;
using Sigcerh.Telemetry.Tests.TestHost;
using Xunit.Abstractions;

namespace Sigcerh.Telemetry.Tests.Logging;

/// <summary>
/// Faults of the log volume on real tmpfs mounts: the service keeps answering, <c>log_file</c> reports the fault and
/// the recovery, and every event is on disk or counted in <c>sigcerh.telemetry.dropped{sink=file}</c>.
/// </summary>
public sealed class LogFileFaultTests(ITestOutputHelper output)
{
    private static readonly string Filler = new('x', 400);

    private static Task<TestApp> Start(string directory) => TestApp.StartAsync(
        new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:ServiceName"] = "sigcerh-faulttest",
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Logging:RequestLogging"] = "false",
            ["SigcerhTelemetry:Logging:Directory"] = directory,
            ["SigcerhTelemetry:Health:CacheSeconds"] = "1",
            ["SigcerhTelemetry:Health:BackgroundIntervalSeconds"] = "0",
        },
        b =>
        {
            b.Services.AddSingleton<IDiskSpaceProbe>(new FakeDiskProbe(10));
            b.Services.AddSingleton<IMemoryProbe>(new FakeMemoryProbe(10));
        },
        a =>
        {
            a.MapGet("/ping", () => "ok");
            a.MapPost("/log/{phase}/{count:int}", (string phase, int count, ILogger<LogFileFaultTests> log) =>
            {
                for (var i = 0; i < count; i++)
                {
                    log.LogInformation("Fault event {Phase} {Index} {Filler}", phase, i, Filler);
                }

                return Results.Ok();
            });
        });

    [Fact]
    public async Task A_full_volume_counts_every_lost_line_keeps_the_file_valid_and_recovers_when_space_returns()
    {
        if (Tmpfs.CannotMount is { } why)
        {
            output.WriteLine("SKIPPED: " + why);
            return;
        }

        using var volume = Tmpfs.Mount("1m");
        var app = await Start(volume.Path);
        var drops = app.Services.GetRequiredService<TelemetryDropCounter>();
        await Log(app, "warmup", 5);
        await Eventually(() => Marked(volume.Path, "warmup") == 5, "the warm-up lines reach the file");

        // Leave room for a few batches, so one of them is cut off mid-line by the full volume.
        var filler = volume.Fill(leaveFree: 50_000);
        var before = FileDrops(drops);
        await Log(app, "full", 2000);
        await Eventually(
            () => Marked(volume.Path, "full") + (FileDrops(drops) - before) == 2000,
            "every line logged on the full volume is on disk or counted as dropped");
        var lost = FileDrops(drops) - before;
        output.WriteLine($"full volume: {Marked(volume.Path, "full")} lines on disk, {lost} counted as dropped");
        Assert.InRange(lost, 1, 2000);
        Assert.Equal("ok", await app.Client.GetStringAsync(new Uri("/ping", UriKind.Relative)));
        await Eventually(async () => await LogFileCheck(app) == "Degraded", "log_file turns Degraded");

        File.Delete(filler);
        await LogUntilWritable(app);
        await Log(app, "after", 200);
        await Eventually(() => Marked(volume.Path, "after") == 200, "lines reach the file again without a restart");
        await Eventually(async () => await LogFileCheck(app) == "Healthy", "log_file turns Healthy again");

        var pipeline = app.Services.GetRequiredService<SigcerhLogPipeline>();
        await app.StopAsync();
        AssertEveryEventOnDiskOrCounted(pipeline, drops, volume.Path);
    }

    [Fact]
    public async Task A_folder_unwritable_at_start_gets_lines_once_it_becomes_writable_without_a_restart()
    {
        if (Tmpfs.CannotMount is { } why)
        {
            output.WriteLine("SKIPPED: " + why);
            return;
        }

        using var volume = Tmpfs.Mount("4m");
        volume.ReadOnly();
        var logs = Path.Combine(volume.Path, "logs");
        var app = await Start(logs);
        Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(volume.Path, "root-probe"), "x")); // blocks root too
        var drops = app.Services.GetRequiredService<TelemetryDropCounter>();

        Assert.Equal("Degraded", await LogFileCheck(app));
        var before = FileDrops(drops);
        await Log(app, "readonly", 50);
        await Eventually(() => FileDrops(drops) - before >= 50, "lines logged while read-only are counted as dropped");
        Assert.Equal("ok", await app.Client.GetStringAsync(new Uri("/ping", UriKind.Relative)));

        volume.ReadWrite();
        await LogUntilWritable(app);
        await Log(app, "after", 20);
        await Eventually(() => Marked(logs, "after") == 20, "lines reach the file once the folder is writable");
        await Eventually(async () => await LogFileCheck(app) == "Healthy", "log_file turns Healthy");

        var pipeline = app.Services.GetRequiredService<SigcerhLogPipeline>();
        await app.StopAsync();
        Assert.Equal(0, Marked(logs, "readonly"));
        AssertEveryEventOnDiskOrCounted(pipeline, drops, logs);
    }

    [Fact]
    public async Task A_half_line_left_by_a_crash_is_cut_off_before_new_lines_are_appended()
    {
        var contentRoot = Path.Combine(Path.GetTempPath(), "sigcerh-halfline-" + Guid.NewGuid().ToString("N")[..8]);
        var logs = Path.Combine(contentRoot, "logs");
        Directory.CreateDirectory(logs);
        var file = Path.Combine(logs, $"sigcerh-faulttest-{DateTime.Now:yyyyMMdd}.json");
        await File.WriteAllTextAsync(file, "{\"@t\":\"2026-01-01T00:00:00Z\",\"@mt\":\"before the crash\"}\n{\"@t\":\"2026-01-01T00:00:01Z\",\"@mt\":\"cut");

        var app = await Start(logs);
        await Log(app, "after", 3);
        await app.StopAsync();

        var events = LogFiles.ReadEvents(logs); // throws on any line that is not whole JSON
        Assert.Equal("before the crash", LogFiles.Template(events[0]));
        Assert.Equal(3, events.Count(e => LogFiles.Prop(e, "Phase") == "after"));
        Directory.Delete(contentRoot, recursive: true);
    }

    private static long FileDrops(TelemetryDropCounter drops) => drops.Dropped(TelemetrySignal.Logs, TelemetrySink.File);

    /// <summary>The conservation law: lines on disk (each whole JSON) plus lines counted as dropped equal the events logged.</summary>
    private void AssertEveryEventOnDiskOrCounted(SigcerhLogPipeline pipeline, TelemetryDropCounter drops, string directory)
    {
        var onDisk = LogFiles.ReadEvents(directory).Count;
        output.WriteLine($"received {pipeline.Buffer.Received}, on disk {onDisk}, dropped {FileDrops(drops)}");
        Assert.Equal(pipeline.Buffer.Received, onDisk + FileDrops(drops));
    }

    private static int Marked(string directory, string phase)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        return LogFiles.ReadEvents(directory).Count(e => LogFiles.Prop(e, "Phase") == phase);
    }

    private static async Task Log(TestApp app, string phase, int count)
    {
        using var response = await app.Client.PostAsync(
            new Uri(string.Create(CultureInfo.InvariantCulture, $"/log/{phase}/{count}"), UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Logs a line now and then until the sink has written one: it retries at most once a second.</summary>
    private static async Task LogUntilWritable(TestApp app)
    {
        var status = app.Services.GetRequiredService<LogFileStatus>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!status.IsWritable)
        {
            Assert.True(DateTime.UtcNow < deadline, "the file sink did not recover within 30 s: " + status.Error);
            await Log(app, "probe", 1);
            await Task.Delay(250);
        }
    }

    private static async Task<string?> LogFileCheck(TestApp app)
    {
        var body = Json.Parse(await app.Client.GetStringAsync(new Uri("/health/live", UriKind.Relative)));
        return Json.Check(body, HealthNames.LogFile).GetProperty("status").GetString();
    }

    private static Task Eventually(Func<bool> condition, string what) => Eventually(() => Task.FromResult(condition()), what);

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + what);
            await Task.Delay(100);
        }
    }
}
