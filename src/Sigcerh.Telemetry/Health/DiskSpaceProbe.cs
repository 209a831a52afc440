namespace Sigcerh.Telemetry.Health;

/// <summary>Reads free space through <see cref="DriveInfo"/>, which on Linux is <c>statvfs</c> on the given folder.</summary>
internal sealed class DiskSpaceProbe : IDiskSpaceProbe
{
    public DiskUsage Measure(string path)
    {
        var existing = Path.GetFullPath(path);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        var drive = new DriveInfo(existing);
        var used = drive.TotalSize - drive.TotalFreeSpace;
        return new DiskUsage(used, drive.AvailableFreeSpace);
    }
}
