using Sigcerh.Telemetry.Health;

namespace Sigcerh.Telemetry.Tests.Health;

public sealed class MemoryProbeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sigcerh-memprobe-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Cgroup_v2_limit_wins_over_the_host_and_reclaimable_cache_is_not_used_memory()
    {
        Write("proc/meminfo", "MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:    8000000 kB\n");
        Write("sys/fs/cgroup/memory.max", "1073741824\n");
        Write("sys/fs/cgroup/memory.current", "1000000000\n");
        Write("sys/fs/cgroup/memory.stat", "anon 700000000\ninactive_file 100000000\nactive_file 5\n");

        var usage = new MemoryProbe(_root).Measure();

        Assert.Equal("cgroup", usage.Source);
        Assert.Equal(1073741824, usage.LimitBytes);
        Assert.Equal(900000000, usage.UsedBytes);
    }

    [Fact]
    public void Cgroup_v2_without_a_limit_falls_back_to_the_host()
    {
        Write("proc/meminfo", "MemTotal:       1000 kB\nMemAvailable:    250 kB\n");
        Write("sys/fs/cgroup/memory.max", "max\n");
        Write("sys/fs/cgroup/memory.current", "5000\n");

        var usage = new MemoryProbe(_root).Measure();

        Assert.Equal("host", usage.Source);
        Assert.Equal(75, usage.UsedPercent, 3);
    }

    [Fact]
    public void Cgroup_v1_unlimited_value_is_ignored()
    {
        Write("proc/meminfo", "MemTotal:       1000 kB\nMemAvailable:    100 kB\n");
        Write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        Write("sys/fs/cgroup/memory/memory.usage_in_bytes", "5000\n");

        var usage = new MemoryProbe(_root).Measure();

        Assert.Equal("host", usage.Source);
        Assert.Equal(90, usage.UsedPercent, 3);
    }

    [Fact]
    public void Real_probe_reads_this_machine()
    {
        var usage = new MemoryProbe().Measure();

        Assert.True(usage.LimitBytes > 0);
        Assert.InRange(usage.UsedPercent, 0, 100);
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
