namespace Sigcerh.Telemetry.Logging;

/// <summary>Whether the log folder can be written; read by the log-file health check and the startup report.</summary>
internal sealed class LogFileStatus
{
    private volatile string? _error;

    public string Directory { get; private set; } = string.Empty;

    public bool Enabled { get; private set; }

    public bool IsWritable => Enabled && _error is null;

    /// <summary>Why the folder cannot be written, or null. Paths stay in logs, never in health bodies.</summary>
    public string? Error => _error;

    /// <summary>Creates the folder and writes a probe file; never throws.</summary>
    public bool Probe(string directory)
    {
        Directory = directory;
        Enabled = true;
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
            _error = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            _error = ex.GetType().Name + ": " + ex.Message;
            return false;
        }
    }

    /// <summary>Probes the same folder again, for the health check.</summary>
    public bool Recheck() => !Enabled || Probe(Directory);
}
