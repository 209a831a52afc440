using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sigcerh.Telemetry.Logging;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Logging;

public sealed partial class LogFileTests
{
    private static readonly Dictionary<string, string?> Config = new()
    {
        ["SigcerhTelemetry:ServiceName"] = "sigcerh-logtest",
        ["SigcerhTelemetry:Logging:Console"] = "false",
    };

    [Fact]
    public async Task Every_line_of_the_daily_file_is_json_with_a_timestamp_and_trace_ids_inside_a_span()
    {
        var app = await TestApp.StartAsync(Config, map: a => a.MapGet("/work", (ILogger<LogFileTests> log) =>
        {
            log.LogInformation("Processing expediente {Expediente}", 1234567);
            return Activity.Current?.TraceId.ToString();
        }));
        var traceId = await app.Client.GetStringAsync(new Uri("/work", UriKind.Relative));
        await app.StopAsync();

        var files = Directory.GetFiles(app.LogDirectory).Select(Path.GetFileName).ToList();
        var file = Assert.Single(files);
        Assert.Matches(DailyFileName(), file);
        Assert.Equal($"sigcerh-logtest-{DateTime.Now:yyyyMMdd}.json", file);

        var events = LogFiles.ReadEvents(app.LogDirectory);
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.TryGetProperty("@t", out _), e.GetRawText()));
        var work = Assert.Single(events, e => LogFiles.Template(e).StartsWith("Processing expediente", StringComparison.Ordinal));
        Assert.Equal(traceId, LogFiles.Prop(work, "@tr"));
        Assert.NotNull(LogFiles.Prop(work, "@sp"));
    }

    [Fact]
    public async Task Files_older_than_the_retention_are_deleted_and_recent_ones_kept()
    {
        var contentRoot = Path.Combine(Path.GetTempPath(), "sigcerh-retention-" + Guid.NewGuid().ToString("N")[..8]);
        var logs = Path.Combine(contentRoot, "logs");
        Directory.CreateDirectory(logs);
        var old = Path.Combine(logs, $"sigcerh-logtest-{DateTime.Now.AddDays(-10):yyyyMMdd}.json");
        var recent = Path.Combine(logs, $"sigcerh-logtest-{DateTime.Now.AddDays(-2):yyyyMMdd}.json");
        await File.WriteAllTextAsync(old, "{}\n");
        await File.WriteAllTextAsync(recent, "{}\n");

        var config = new Dictionary<string, string?>(Config)
        {
            ["SigcerhTelemetry:Logging:Directory"] = logs,
            ["SigcerhTelemetry:Logging:RetainedDays"] = "5",
        };
        var app = await TestApp.StartAsync(config, map: a => a.MapGet("/", (ILogger<LogFileTests> log) => log.LogInformation("hello")));
        using (await app.Client.GetAsync(new Uri("/", UriKind.Relative)))
        {
        }

        await app.StopAsync();
        Assert.False(File.Exists(old), "a file 10 days old must be deleted with 5 days of retention");
        Assert.True(File.Exists(recent), "a file 2 days old must be kept");
        Assert.True(File.Exists(Path.Combine(logs, $"sigcerh-logtest-{DateTime.Now:yyyyMMdd}.json")));
        Directory.Delete(contentRoot, recursive: true);
    }

    [Fact]
    public async Task Reaching_the_size_cap_rolls_to_a_numbered_file_and_writing_goes_on()
    {
        var config = new Dictionary<string, string?>(Config) { ["SigcerhTelemetry:Logging:FileSizeLimitMegabytes"] = "1" };
        var app = await TestApp.StartAsync(config, map: a => a.MapGet("/flood", (ILogger<LogFileTests> log) =>
        {
            var filler = new string('x', 1000);
            for (var i = 0; i < 2500; i++)
            {
                log.LogInformation("Filler {Index} {Text}", i, filler);
            }
        }));
        using (await app.Client.GetAsync(new Uri("/flood", UriKind.Relative)))
        {
        }

        await app.StopAsync();
        var files = Directory.GetFiles(app.LogDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 2, string.Join(", ", files));
        Assert.Contains(files, f => RolledFileName().IsMatch(f!));
        var events = LogFiles.ReadEvents(app.LogDirectory);
        // The buffer may drop under a burst, but the last events must be on disk: writing never stopped at the cap.
        Assert.Contains(events, e => LogFiles.Prop(e, "Index") == "2499");
    }

    [Fact]
    public async Task An_unwritable_log_directory_does_not_stop_the_service_and_is_reported()
    {
        var blocker = Path.GetTempFileName(); // a regular file: no directory can be created beneath it
        var config = new Dictionary<string, string?>(Config) { ["SigcerhTelemetry:Logging:Directory"] = Path.Combine(blocker, "logs") };
        await using var app = await TestApp.StartAsync(config, map: a => a.MapGet("/", () => "ok"));

        Assert.Equal("ok", await app.Client.GetStringAsync(new Uri("/", UriKind.Relative)));
        var status = app.Services.GetRequiredService<LogFileStatus>();
        Assert.False(status.IsWritable);
        Assert.Contains("Exception", status.Error, StringComparison.Ordinal);
        File.Delete(blocker);
    }

    [GeneratedRegex(@"^sigcerh-logtest-\d{8}\.json$")]
    private static partial Regex DailyFileName();

    [GeneratedRegex(@"^sigcerh-logtest-\d{8}_\d{3}\.json$")]
    private static partial Regex RolledFileName();
}
