using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sigcerh.Operations.Tests;

/// <summary>Hand-made nightly dumps: a file and the manifest backup-db.sh would write for it (format 1).</summary>
internal static class FakeNightly
{
    /// <summary>Writes sigcerh-<paramref name="database"/>-STAMP.dump with its manifest; returns the dump's path.</summary>
    public static string Write(string dir, string database, DateTime startUtc, string content = "old dump", string? fileName = null)
    {
        Directory.CreateDirectory(dir);
        var name = fileName ?? $"sigcerh-{database}-{startUtc:yyyyMMdd'T'HHmmss'Z'}.dump";
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        var bytes = Encoding.UTF8.GetBytes(content);
        var epoch = new DateTimeOffset(startUtc).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var sha = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        File.WriteAllText(path + ".manifest", $"""
            format=sigcerh-backup-manifest/1
            kind=nightly
            database={Uri.EscapeDataString(database)}
            file={name}
            start_epoch={epoch}
            end_epoch={epoch}
            size_bytes={bytes.Length}
            sha256={sha}
            database_size_bytes=8000000
            table=1|public.x

            """);
        File.WriteAllText(path + ".sha256", $"{sha}  {name}\n");
        return path;
    }
}
