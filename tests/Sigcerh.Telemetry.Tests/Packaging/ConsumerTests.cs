using System.IO.Compression;
using System.Net.Http;
using Sigcerh.Testing;

namespace Sigcerh.Telemetry.Tests.Packaging;

/// <summary>
/// Packs the package into the repo's local feed, restores it into a freshly created web app and runs the app:
/// proof that it can be consumed from a NuGet feed.
/// </summary>
public sealed class ConsumerTests
{
    [Fact]
    public async Task A_fresh_web_app_restores_the_packed_package_from_the_local_feed_and_serves_health()
    {
        var repo = RepoPaths.Root;
        var feed = Path.Combine(repo, "artifacts", "packages");
        // A version nobody has built before, so the global packages cache cannot hand back an older build.
        var version = $"1.0.0-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var work = Path.Combine(Path.GetTempPath(), "sigcerh-consumer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var pack = await Dotnet(repo, "pack", Path.Combine(repo, "src", "Sigcerh.Telemetry", "Sigcerh.Telemetry.csproj"),
                "-c", "Release", "-p:Version=" + version, "-o", feed, "-p:SIGCERH_BUILD_DIR=" + Path.Combine(work, "build"));
            Assert.True(pack.ExitCode == 0, pack.Output);

            var nupkg = Path.Combine(feed, $"Sigcerh.Telemetry.{version}.nupkg");
            Assert.True(File.Exists(nupkg), pack.Output);
            Assert.True(File.Exists(Path.Combine(feed, $"Sigcerh.Telemetry.{version}.snupkg")));
            using (var zip = ZipFile.OpenRead(nupkg))
            {
                Assert.Contains(zip.Entries, e => e.FullName == "README.md");
                var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
                using var reader = new StreamReader(nuspec.Open());
                var text = await reader.ReadToEndAsync();
                Assert.Contains("<license type=\"expression\">MIT</license>", text, StringComparison.Ordinal);
                Assert.Contains("<readme>README.md</readme>", text, StringComparison.Ordinal);
                Assert.Contains("<repository", text, StringComparison.Ordinal);
            }

            var app = Path.Combine(work, "ConsumerApp");
            var create = await Dotnet(work, "new", "web", "-o", app, "-n", "ConsumerApp", "--no-restore");
            Assert.True(create.ExitCode == 0, create.Output);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="sigcerh-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            var add = await Dotnet(app, "add", "package", "Sigcerh.Telemetry", "--version", version);
            Assert.True(add.ExitCode == 0, add.Output);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
                var builder = WebApplication.CreateBuilder(args);
                builder.AddSigcerhTelemetry();
                var app = builder.Build();
                app.MapGet("/", () => "consumer ok");
                app.Run();
                """);
            var build = await Dotnet(app, "build", "-c", "Release");
            Assert.True(build.ExitCode == 0, build.Output);

            var port = FreePort.Next();
            using var run = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", ["run", "-c", "Release", "--no-build", "--urls", $"http://127.0.0.1:{port}"])
            {
                WorkingDirectory = app,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["SigcerhTelemetry__Logging__Console"] = "false" },
            })!;
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                var body = await AspireDashboard.WaitForAsync(async () =>
                {
                    try
                    {
                        return await http.GetStringAsync(new Uri("/", UriKind.Relative));
                    }
                    catch (HttpRequestException)
                    {
                        return null;
                    }
                }, TimeSpan.FromSeconds(60), "the consumer app to answer");
                Assert.Equal("consumer ok", body);
                using var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
                Assert.True(health.IsSuccessStatusCode, await health.Content.ReadAsStringAsync());
                Assert.NotEmpty(Directory.GetFiles(Path.Combine(app, "logs"), "*.json"));
            }
            finally
            {
                run.Kill(entireProcessTree: true);
                await run.WaitForExitAsync();
            }
        }
        finally
        {
            foreach (var f in Directory.GetFiles(feed, $"Sigcerh.Telemetry.{version}.*"))
            {
                File.Delete(f);
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static Task<ProcessRunner.Result> Dotnet(string cwd, params string[] args) =>
        ProcessRunner.RunAsync("dotnet", args, new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" }, cwd, TimeSpan.FromMinutes(5));
}
