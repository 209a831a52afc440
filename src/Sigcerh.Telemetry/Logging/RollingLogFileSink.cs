using System.Globalization;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// The daily, size-capped JSON-lines file, written so that a fault never leaves a broken file and never hides a loss:
/// <list type="bullet">
/// <item>Each batch goes to disk in one write. When it fails (full volume, read-only folder) the file is cut back to its
/// length before the write, so a half line can never be followed by the next event; if even that fails, the next open
/// cuts the file back to its last complete line. Lines are whole or absent: a cut is cheaper and safer than a newline
/// prepended later, which would still leave an invalid half line in the file.</item>
/// <item>The lines of a failed batch are counted as dropped and the status turns Degraded; the sink then reopens the
/// file by itself (at most once a second), so writing resumes without a restart once the fault is gone, including
/// when the folder was unwritable from the start.</item>
/// </list>
/// Runs on the background log writer's single thread; the lock only guards against a concurrent dispose.
/// </summary>
internal sealed class RollingLogFileSink : ILogEventSink, IDisposable
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SyncEvery = TimeSpan.FromSeconds(1);

    private readonly Utf8LineBatch _batch;
    private readonly Func<int> _pending;
    private readonly string _directory;
    private readonly string _prefix;
    private readonly long _sizeLimit;
    private readonly int _retainedDays;
    private readonly LogFileStatus _status;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private FileStream? _file;
    private long _length;
    private DateOnly _day;
    private int _sequence;
    private long _retryAtTicks;
    private long _syncAtTicks;
    private long _dropped;
    private bool _disposed;

    public RollingLogFileSink(
        ITextFormatter formatter,
        Func<int> pending,
        string directory,
        string prefix,
        long sizeLimitBytes,
        int retainedDays,
        LogFileStatus status,
        TimeProvider time)
    {
        _batch = new Utf8LineBatch(formatter);
        _pending = pending;
        _directory = directory;
        _prefix = prefix;
        _sizeLimit = sizeLimitBytes;
        _retainedDays = retainedDays;
        _status = status;
        _time = time;
    }

    /// <summary>Lines that did not reach the file because a write (or opening the file) failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }

            _batch.Add(logEvent);
            if (_batch.IsFull || _pending() == 0)
            {
                FlushLocked();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            FlushLocked();
            _disposed = true;
            Close();
        }
    }

    private void FlushLocked()
    {
        var lines = _batch.Lines;
        if (lines == 0)
        {
            return;
        }

        try
        {
            var bytes = _batch.Encode();
            if (Current(bytes.Length) is not { } file)
            {
                // Reopened less than a second ago and failed: this batch is lost; the status keeps the real reason.
                Interlocked.Add(ref _dropped, lines);
                _status.Skipped(lines);
                return;
            }

            Write(file, bytes);
            _status.Succeeded(lines);
        }
#pragma warning disable CA1031 // Any write failure is a lost batch to count and report, never a reason to stop logging.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Add(ref _dropped, lines);
            _status.Failed(ex, lines);
            _retryAtTicks = _time.GetUtcNow().UtcTicks + RetryEvery.Ticks;
            SelfLog.WriteLine("Sigcerh file sink: {0} lines not written: {1}", lines, ex);
        }
        finally
        {
            _batch.Clear();
        }
    }

    private void Write(FileStream file, ReadOnlySpan<byte> bytes)
    {
        try
        {
            file.Write(bytes);

            // Lines are in the page cache at once (a process crash loses none); a power cut loses at most a second.
            var now = _time.GetUtcNow().UtcTicks;
            if (now >= _syncAtTicks)
            {
                file.Flush(flushToDisk: true);
                _syncAtTicks = now + SyncEvery.Ticks;
            }

            _length += bytes.Length;
        }
        catch
        {
            CutBack();
            throw;
        }
    }

    /// <summary>
    /// The file for today with room for the batch, opened (or reopened after a fault) as needed; null while the last
    /// failure is less than a second old.
    /// </summary>
    private FileStream? Current(int incoming)
    {
        var today = DateOnly.FromDateTime(_time.GetLocalNow().DateTime);
        if (_file is not null && today != _day)
        {
            Close();
        }

        if (_file is not null && _length > 0 && _length + incoming > _sizeLimit)
        {
            Close();
            _sequence++;
        }

        if (_file is not null)
        {
            return _file;
        }

        if (_time.GetUtcNow().UtcTicks < _retryAtTicks)
        {
            return null;
        }

        if (today != _day)
        {
            _day = today;
            _sequence = LatestSequence(today);
            DeleteExpired(today);
        }

        Directory.CreateDirectory(_directory);
        while (true)
        {
            var file = new FileStream(PathOf(_day, _sequence), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, bufferSize: 0);
            long length;
            try
            {
                length = DropIncompleteTail(file);
            }
            catch
            {
                file.Dispose();
                throw;
            }

            if (length > 0 && length + incoming > _sizeLimit)
            {
                file.Dispose();
                _sequence++;
                continue;
            }

            file.Position = length;
            _file = file;
            _length = length;
            return file;
        }
    }

    /// <summary>After a failed write: back to the length before it, or, if that fails too, reopen later and cut there.</summary>
    private void CutBack()
    {
        try
        {
            _file!.SetLength(_length);
            _file.Position = _length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            SelfLog.WriteLine("Sigcerh file sink: could not cut back the failed write: {0}", ex.Message);
        }

        // Reopen for the next batch: the handle may be the broken part (file deleted, volume remounted).
        Close();
    }

    /// <summary>Cuts a file left with a half line (by a crash or a failed cut) back to its last complete line.</summary>
    private static long DropIncompleteTail(FileStream file)
    {
        var length = file.Length;
        if (length == 0)
        {
            return 0;
        }

        Span<byte> last = stackalloc byte[1];
        file.Position = length - 1;
        if (file.Read(last) == 1 && last[0] == (byte)'\n')
        {
            return length;
        }

        var buffer = new byte[4096];
        var end = length - 1;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            file.Position = start;
            var read = file.Read(buffer, 0, (int)(end - start));
            var newline = Array.LastIndexOf(buffer, (byte)'\n', read - 1, read);
            if (newline >= 0)
            {
                var keep = start + newline + 1;
                file.SetLength(keep);
                return keep;
            }

            end = start;
        }

        file.SetLength(0);
        return 0;
    }

    private int LatestSequence(DateOnly day)
    {
        var latest = 0;
        try
        {
            foreach (var path in Directory.EnumerateFiles(_directory, $"{_prefix}-{day:yyyyMMdd}_*.json"))
            {
                var name = Path.GetFileNameWithoutExtension(path);
                if (int.TryParse(name.AsSpan(name.LastIndexOf('_') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > latest)
                {
                    latest = n;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return latest;
    }

    /// <summary>Deletes daily files older than the retention, judged by the date in their name.</summary>
    private void DeleteExpired(DateOnly today)
    {
        var oldest = today.AddDays(-_retainedDays);
        try
        {
            foreach (var path in Directory.EnumerateFiles(_directory, _prefix + "-*.json"))
            {
                var name = Path.GetFileNameWithoutExtension(path).AsSpan(_prefix.Length + 1);
                if (name.Length >= 8
                    && DateOnly.TryParseExact(name[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                    && day < oldest)
                {
                    File.Delete(path);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SelfLog.WriteLine("Sigcerh file sink: could not delete expired log files: {0}", ex.Message);
        }
    }

    private string PathOf(DateOnly day, int sequence) => Path.Combine(
        _directory,
        sequence == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{_prefix}-{day:yyyyMMdd}.json")
            : string.Create(CultureInfo.InvariantCulture, $"{_prefix}-{day:yyyyMMdd}_{sequence:000}.json"));

    private void Close()
    {
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
        }

        _file = null;
    }
}
