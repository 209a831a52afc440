using System.Diagnostics;

namespace Sigcerh.Telemetry.Tests.TestHost;

/// <summary>
/// A real tmpfs volume mounted by the test (root only; CI runs as root): a small size makes a full disk, and a
/// read-only remount blocks writes even for root, which permission bits and chmod do not.
/// </summary>
public sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why a tmpfs cannot be mounted here, or null when it can.</summary>
    public static string? CannotMount =>
        Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root" && !IsRoot()
            ? "mounting a tmpfs needs root (CI runs as root); this fault test did not run"
            : null;

    public static Tmpfs Mount(string size)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sigcerh-vol-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0777", "tmpfs", path);
        return new Tmpfs(path);
    }

    public void ReadOnly() => Run("mount", "-o", "remount,ro", Path);

    public void ReadWrite() => Run("mount", "-o", "remount,rw", Path);

    /// <summary>Fills the volume to the last byte, then frees <paramref name="leaveFree"/> bytes.</summary>
    public string Fill(long leaveFree)
    {
        var filler = System.IO.Path.Combine(Path, "filler.bin");
        using (var f = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 0))
        {
            var chunk = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    f.Write(chunk);
                }
            }
            catch (IOException)
            {
            }

            f.SetLength(Math.Max(0, f.Length - leaveFree));
        }

        return filler;
    }

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
            Directory.Delete(Path);
        }
        catch (InvalidOperationException)
        {
        }
        catch (IOException)
        {
        }
    }

    private static bool IsRoot()
    {
        try
        {
            return File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({p.ExitCode}): {err}");
        }
    }
}
