using System.IO.Compression;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Sigcerh.Testing;

namespace Sigcerh.Telemetry.Tests.Packaging;

/// <summary>
/// Does what the README tells a new user to do, with the README's own text: packs the version its Quick start shows
/// with its pack command in a fresh copy of the repository, adds that version to a new web app from the local feed
/// with its <c>dotnet add package</c> line, compiles its Quick start code and settings, and runs the app.
/// </summary>
public sealed partial class ConsumerTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_readme_commands_pack_a_stable_release_that_a_fresh_web_app_restores_from_the_local_feed_and_runs()
    {
        var readme = Readme.Read(RepoPaths.Combine("README.md"));
        Assert.False(readme.Version.Contains('-', StringComparison.Ordinal), $"the README shows the prerelease {readme.Version}");

        var work = Path.Combine(Path.GetTempPath(), "sigcerh-consumer-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // A fresh checkout of this tree (tracked and new files, no bin/obj, no packages), so the pack starts clean.
            var clone = Path.Combine(work, "repo");
            await CopyWorkingTreeAsync(RepoPaths.Root, clone);

            var pack = await RunAsync(clone, readme.PackCommand);
            Assert.True(pack.ExitCode == 0, pack.Output);
            var feed = Path.Combine(clone, "artifacts", "packages");
            var nupkg = Path.Combine(feed, $"Sigcerh.Telemetry.{readme.Version}.nupkg");
            Assert.True(File.Exists(nupkg), $"no {nupkg}: {pack.Output}");
            Assert.True(File.Exists(Path.ChangeExtension(nupkg, ".snupkg")));
            AssertPackageContents(nupkg, readme.Version);

            var app = Path.Combine(work, "ConsumerApp");
            var create = await RunAsync(work, ["dotnet", "new", "web", "-o", app, "-n", "ConsumerApp", "--no-restore"]);
            Assert.True(create.ExitCode == 0, create.Output);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), ConsumerNuGetConfig(feed, await MachinePackagesFolderAsync()));
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), readme.QuickStartCode);
            await File.WriteAllTextAsync(Path.Combine(app, "appsettings.json"), readme.QuickStartSettings);

            // Its own packages folder: a Sigcerh.Telemetry of the same version extracted by an earlier run cannot be reused.
            var packages = Path.Combine(work, "nuget-packages");
            var add = await RunAsync(app, readme.AddPackageCommand, packages);
            Assert.True(add.ExitCode == 0, add.Output);
            var build = await RunAsync(app, ["dotnet", "build", "-c", "Release"], packages);
            Assert.True(build.ExitCode == 0, build.Output);
            Assert.True(File.Exists(Path.Combine(packages, "sigcerh.telemetry", readme.Version, $"sigcerh.telemetry.{readme.Version}.nupkg")));
            Assert.Equal(
                await File.ReadAllBytesAsync(nupkg),
                await File.ReadAllBytesAsync(Path.Combine(packages, "sigcerh.telemetry", readme.Version, $"sigcerh.telemetry.{readme.Version}.nupkg")));

            await RunAppAsync(app, readme.HealthBasePath);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void AssertPackageContents(string nupkg, string version)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        Assert.Contains(zip.Entries, e => e.FullName == "README.md");
        Assert.Contains(zip.Entries, e => e.FullName == "CHANGELOG.md");
        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var nuspec = XDocument.Load(stream);
        XNamespace ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal(version, metadata.Element(ns + "version")!.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.NotNull(metadata.Element(ns + "repository"));
        Assert.Contains("CHANGELOG.md", metadata.Element(ns + "releaseNotes")!.Value, StringComparison.Ordinal);

        // A stable package may depend on stable packages only (NuGet's NU5104).
        var dependencies = metadata.Descendants(ns + "dependency").ToList();
        Assert.NotEmpty(dependencies);
        Assert.All(dependencies, d => Assert.False(
            d.Attribute("version")!.Value.Contains('-', StringComparison.Ordinal),
            $"{d.Attribute("id")!.Value} {d.Attribute("version")!.Value} is a prerelease"));
    }

    private static async Task RunAppAsync(string app, string healthBasePath)
    {
        var port = FreePort.Next();
        using var run = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", ["run", "-c", "Release", "--no-build", "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = app,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["SigcerhTelemetry__Logging__Console"] = "false", ["DOTNET_NOLOGO"] = "1" },
        })!;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var created = await AspireDashboard.WaitForAsync(async () =>
            {
                try
                {
                    using var response = await http.PostAsync(new Uri("/api/solicitudes", UriKind.Relative), null);
                    return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            }, TimeSpan.FromSeconds(60), "the consumer app to answer");
            Assert.Equal("200", created);

            using var health = await http.GetAsync(new Uri(healthBasePath, UriKind.Relative));
            Assert.True(health.IsSuccessStatusCode, await health.Content.ReadAsStringAsync());
            Assert.Contains("\"status\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // The request log reached the rolling file (it is written in batches, so wait for it).
            var logs = Path.Combine(app, "logs");
            var logged = await AspireDashboard.WaitForAsync(
                () => Task.FromResult(Directory.Exists(logs) && Directory.GetFiles(logs, "*.json").Any(f => ReadShared(f).Contains("/api/solicitudes", StringComparison.Ordinal)) ? "yes" : null),
                TimeSpan.FromSeconds(10),
                "the request-completion event in the log file");
            Assert.Equal("yes", logged);
        }
        finally
        {
            run.Kill(entireProcessTree: true);
            await run.WaitForExitAsync();
        }
    }

    /// <summary>
    /// The README's feed for Sigcerh.Telemetry, and nothing else for it (package source mapping). The other packages
    /// come from the machine's packages folder, which the repo's own restore filled: the restore needs no network, and
    /// no other copy of Sigcerh.Telemetry can be picked up.
    /// </summary>
    private static string ConsumerNuGetConfig(string feed, string machinePackages) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="sigcerh-local" value="{feed}" />
            <add key="machine-packages" value="{machinePackages}" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="sigcerh-local">
              <package pattern="Sigcerh.Telemetry" />
            </packageSource>
            <packageSource key="machine-packages">
              <package pattern="*" />
            </packageSource>
          </packageSourceMapping>
        </configuration>
        """;

    private static async Task<string> MachinePackagesFolderAsync()
    {
        // Where this machine's restores put packages, whatever NUGET_PACKAGES or a NuGet.Config says.
        var locals = await ProcessRunner.RunAsync("dotnet", ["nuget", "locals", "global-packages", "--list"], timeout: CommandTimeout);
        var match = Regex.Match(locals.StdOut, @"global-packages:\s*(\S.*?)\s*$", RegexOptions.Multiline);
        Assert.True(locals.ExitCode == 0 && match.Success, locals.Output);
        return match.Groups[1].Value;
    }

    private static async Task CopyWorkingTreeAsync(string from, string to)
    {
        var files = await ProcessRunner.RunAsync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], workingDirectory: from);
        Assert.True(files.ExitCode == 0, files.Output);
        foreach (var relative in files.StdOut.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var source = Path.Combine(from, relative);
            if (!File.Exists(source))
            {
                continue; // deleted in the work tree, not yet committed
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
    }

    private static Task<ProcessRunner.Result> RunAsync(string cwd, IReadOnlyList<string> command, string? nugetPackages = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            // The README's command as a new user runs it: no redirected build folder.
            ["SIGCERH_BUILD_DIR"] = null,
        };
        if (nugetPackages is not null)
        {
            environment["NUGET_PACKAGES"] = nugetPackages;
        }

        return ProcessRunner.RunAsync(command[0], command.Skip(1), environment, cwd, CommandTimeout);
    }

    private static string ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>What the README shows a new user, read from its text.</summary>
    private sealed record Readme(
        string Version,
        IReadOnlyList<string> PackCommand,
        IReadOnlyList<string> AddPackageCommand,
        string QuickStartCode,
        string QuickStartSettings,
        string HealthBasePath)
    {
        public static Readme Read(string path)
        {
            var text = File.ReadAllText(path);
            var quickStart = Section(text, "## Quick start");
            var version = PackageReferenceVersion().Match(quickStart);
            Assert.True(version.Success, "no <PackageReference Include=\"Sigcerh.Telemetry\" Version=\"...\" /> in the Quick start");
            var settings = Block(quickStart, "json");
            using var settingsJson = System.Text.Json.JsonDocument.Parse(settings);
            var basePath = settingsJson.RootElement.GetProperty("SigcerhTelemetry").GetProperty("Health").GetProperty("BasePath").GetString()!;

            var building = Section(text, "## Building, packing, testing");
            return new Readme(
                version.Groups[1].Value,
                Command(building, "dotnet pack "),
                Command(building, "dotnet add package "),
                Block(quickStart, "csharp"),
                settings,
                basePath);
        }

        private static string Section(string text, string heading)
        {
            var start = text.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
            Assert.True(start >= 0, $"no '{heading}' section in the README");
            var end = text.IndexOf("\n## ", start + heading.Length + 2, StringComparison.Ordinal);
            return end < 0 ? text[start..] : text[start..end];
        }

        private static string Block(string section, string language)
        {
            var match = Regex.Match(section, "```" + language + "\n(.*?)```", RegexOptions.Singleline);
            Assert.True(match.Success, $"no ```{language} block");
            return match.Groups[1].Value;
        }

        /// <summary>The first line of a ```bash block that starts with <paramref name="prefix"/>, without its comment.</summary>
        private static string[] Command(string section, string prefix)
        {
            // Blocks inside a list item are indented.
            foreach (Match block in Regex.Matches(section, "^ *```bash\n(.*?)^ *```", RegexOptions.Singleline | RegexOptions.Multiline))
            {
                foreach (var line in block.Groups[1].Value.Split('\n').Select(l => l.Trim()))
                {
                    if (line.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        var command = line.Split('#')[0];
                        return command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    }
                }
            }

            Assert.Fail($"no '{prefix}…' line in a ```bash block of the README's build section");
            return [];
        }
    }

    [GeneratedRegex("<PackageReference Include=\"Sigcerh\\.Telemetry\" Version=\"([^\"]+)\" />")]
    private static partial Regex PackageReferenceVersion();
}
