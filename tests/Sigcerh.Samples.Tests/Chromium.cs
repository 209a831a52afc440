using Sigcerh.Testing;

namespace Sigcerh.Samples.Tests;

/// <summary>Headless Chromium (Debian's <c>chromium</c> package) taking one screenshot.</summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>Screenshots <paramref name="url"/> into <paramref name="png"/>; returns Chromium's output for messages.</summary>
    public static async Task<string> ScreenshotAsync(Uri url, string png)
    {
        var profile = Directory.CreateTempSubdirectory("sigcerh-chromium-");
        try
        {
            var r = await ProcessRunner.RunAsync(Path,
                ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={profile.FullName}",
                 "--virtual-time-budget=15000", "--window-size=1600,1000", $"--screenshot={png}", url.ToString()],
                timeout: TimeSpan.FromSeconds(90));
            return r.Output;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
