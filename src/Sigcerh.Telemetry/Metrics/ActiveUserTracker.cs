using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Sigcerh.Telemetry.Metrics;

/// <summary>
/// Distinct users seen in the last 15 minutes and 24 hours. Stores only a keyed hash of each id (the key is random per
/// process) and at most <see cref="Capacity"/> entries, forgetting the least recently seen first.
/// </summary>
internal sealed class ActiveUserTracker
{
    public static readonly TimeSpan ShortWindow = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LongWindow = TimeSpan.FromHours(24);

    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, LinkedListNode<Seen>> _byHash = [];
    private readonly LinkedList<Seen> _byTime = []; // least recently seen first
    private readonly TimeProvider _time;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public ActiveUserTracker(TimeProvider time, int capacity)
    {
        _time = time;
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>How many hashes are held now (for tests of the bound).</summary>
    public int Tracked
    {
        get
        {
            lock (_gate)
            {
                return _byHash.Count;
            }
        }
    }

    /// <summary>True when a user with this id is remembered (tests of the eviction order).</summary>
    public bool IsTracked(string userId)
    {
        var hash = Hash(userId);
        lock (_gate)
        {
            return _byHash.ContainsKey(hash);
        }
    }

    public void UserSeen(string? userId)
    {
        if (string.IsNullOrEmpty(userId))
        {
            return;
        }

        var hash = Hash(userId);
        var now = _time.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            if (_byHash.TryGetValue(hash, out var node))
            {
                _byTime.Remove(node);
                node.Value = new Seen(hash, now);
                _byTime.AddLast(node);
                return;
            }

            Prune(now);
            if (_byHash.Count >= Capacity && _byTime.First is { } oldest)
            {
                _byTime.RemoveFirst();
                _byHash.Remove(oldest.Value.Hash);
            }

            _byHash[hash] = _byTime.AddLast(new Seen(hash, now));
        }
    }

    /// <summary>Distinct users in the short and the long window.</summary>
    public (long Short, long Long) Count()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var shortFrom = now - ShortWindow.Ticks;
        lock (_gate)
        {
            Prune(now);
            long recent = 0;
            for (var n = _byTime.Last; n is not null && n.Value.Ticks > shortFrom; n = n.Previous)
            {
                recent++;
            }

            return (recent, _byHash.Count);
        }
    }

    private void Prune(long now)
    {
        var from = now - LongWindow.Ticks;
        while (_byTime.First is { } first && first.Value.Ticks <= from)
        {
            _byTime.RemoveFirst();
            _byHash.Remove(first.Value.Hash);
        }
    }

    private ulong Hash(string userId)
    {
        var max = Encoding.UTF8.GetMaxByteCount(userId.Length);
        byte[]? rented = null;
        var buffer = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(userId, buffer);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_key, buffer[..n], mac);
            return BitConverter.ToUInt64(mac);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private readonly record struct Seen(ulong Hash, long Ticks);
}
