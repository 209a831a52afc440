namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// Whether log lines are reaching the file: set by the file sink after every write, and by the startup probe before
/// the first one. Read by the log-file health check and the startup report.
/// </summary>
internal sealed class LogFileStatus
{
    private volatile string? _error;
    private long _written;
    private long _failed;

    public string Directory { get; private set; } = string.Empty;

    public bool Enabled { get; private set; }

    /// <summary>True while the last attempt to write lines (or, before any, the startup probe) succeeded.</summary>
    public bool IsWritable => Enabled && _error is null;

    /// <summary>Why the last write failed, or null. Paths stay in logs, never in health bodies.</summary>
    public string? Error => _error;

    /// <summary>Lines written to the file since start.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Lines the file sink could not write since start (also in <c>sigcerh.telemetry.dropped{sink=file}</c>).</summary>
    public long FailedLines => Interlocked.Read(ref _failed);

    /// <summary>Creates the folder and writes a probe file, once at startup; never throws.</summary>
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
            _error = Describe(ex);
            return false;
        }
    }

    /// <summary>The file sink wrote <paramref name="lines"/> whole lines.</summary>
    public void Succeeded(int lines)
    {
        Interlocked.Add(ref _written, lines);
        _error = null;
    }

    /// <summary>The file sink could not write <paramref name="lines"/> lines; they are counted as dropped.</summary>
    public void Failed(Exception error, int lines)
    {
        Interlocked.Add(ref _failed, lines);
        _error = Describe(error);
    }

    /// <summary>Lines dropped while the sink waits to reopen the file; the reason of the last failure stands.</summary>
    public void Skipped(int lines) => Interlocked.Add(ref _failed, lines);

    private static string Describe(Exception ex) => ex.GetType().Name + ": " + ex.Message;
}
