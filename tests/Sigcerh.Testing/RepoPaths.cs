using System.Reflection;

namespace Sigcerh.Testing;

/// <summary>Finds files of this repository from tests, wherever their binaries were built.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder of Sigcerh.Telemetry.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path under the repository root.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var baked = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (baked is not null && File.Exists(Path.Combine(baked, "Sigcerh.Telemetry.sln")))
        {
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(baked));
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sigcerh.Telemetry.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found from " + AppContext.BaseDirectory);
    }
}
