using System.Globalization;

namespace Sigcerh.Telemetry.Health;

/// <summary>
/// Reads cgroup v2, then cgroup v1, then <c>/proc/meminfo</c>. Page cache that can be reclaimed (inactive files) is not
/// counted as used, as <c>docker stats</c> does, so a busy file cache does not look like a memory shortage.
/// </summary>
internal sealed class MemoryProbe : IMemoryProbe
{
    private readonly string _root;

    public MemoryProbe()
        : this("/")
    {
    }

    /// <summary>Reads the files under another root, for tests with a fake <c>/sys</c> and <c>/proc</c>.</summary>
    internal MemoryProbe(string root) => _root = root;

    public MemoryUsage Measure()
    {
        var host = Host();
        if ((CgroupV2() ?? CgroupV1()) is { } cgroup && (host is null || cgroup.LimitBytes < host.Value.LimitBytes))
        {
            return cgroup;
        }

        if (host is { } h)
        {
            return h;
        }

        // Not Linux: the GC knows the machine's (or job object's) limit and load.
        var gc = GC.GetGCMemoryInfo();
        return new MemoryUsage(gc.MemoryLoadBytes, gc.TotalAvailableMemoryBytes, "host");
    }

    private MemoryUsage? CgroupV2()
    {
        var max = Read("sys/fs/cgroup/memory.max");
        var current = Read("sys/fs/cgroup/memory.current");
        if (max is null || current is null || max == "max" || !long.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            || !long.TryParse(current, NumberStyles.None, CultureInfo.InvariantCulture, out var used))
        {
            return null;
        }

        return new MemoryUsage(Math.Max(0, used - StatValue("sys/fs/cgroup/memory.stat", "inactive_file")), limit, "cgroup");
    }

    private MemoryUsage? CgroupV1()
    {
        var max = Read("sys/fs/cgroup/memory/memory.limit_in_bytes");
        var current = Read("sys/fs/cgroup/memory/memory.usage_in_bytes");
        if (max is null || current is null || !long.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            || !long.TryParse(current, NumberStyles.None, CultureInfo.InvariantCulture, out var used))
        {
            return null;
        }

        // "No limit" is a huge page-aligned number; the host comparison in Measure drops it.
        return new MemoryUsage(Math.Max(0, used - StatValue("sys/fs/cgroup/memory/memory.stat", "total_inactive_file")), limit, "cgroup");
    }

    private MemoryUsage? Host()
    {
        var text = Read("proc/meminfo");
        if (text is null)
        {
            return null;
        }

        long total = 0, available = -1;
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
            {
                if (parts[0] == "MemTotal:")
                {
                    total = kb * 1024;
                }
                else if (parts[0] == "MemAvailable:")
                {
                    available = kb * 1024;
                }
            }
        }

        return total > 0 && available >= 0 ? new MemoryUsage(total - available, total, "host") : null;
    }

    private long StatValue(string file, string key)
    {
        foreach (var line in (Read(file) ?? string.Empty).Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                return v;
            }
        }

        return 0;
    }

    private string? Read(string relative)
    {
        try
        {
            var path = Path.Combine(_root, relative);
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
