using System.Reflection;
using System.Runtime.InteropServices;

namespace Sigcerh.Demo;

/// <summary>Where this build put the samples and where NuGet restored the dashboard (recorded at build time).</summary>
internal static class SamplePaths
{
    public static string Sample(string name) =>
        Metadata("Sample:" + name) ?? throw new InvalidOperationException($"The build did not record where {name} is.");

    public static string DashboardExecutable()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env ? env : Metadata("NuGetPackageRoot")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var package = Metadata("DashboardPackage") ?? throw new InvalidOperationException("The build did not record the dashboard package.");
        var exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "Aspire.Dashboard.exe" : "Aspire.Dashboard";
        return Path.Combine(root, package, "tools", exe);
    }

    /// <summary>The dotnet host that runs the samples' assemblies.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";

    private static string? Metadata(string key) =>
        typeof(SamplePaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
