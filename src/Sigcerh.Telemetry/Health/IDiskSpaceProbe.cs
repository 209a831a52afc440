namespace Sigcerh.Telemetry.Health;

/// <summary>Measures the filesystem that holds a folder; replaceable in tests.</summary>
internal interface IDiskSpaceProbe
{
    /// <summary>The usage of the volume holding <paramref name="path"/> (or its nearest existing parent).</summary>
    DiskUsage Measure(string path);
}
