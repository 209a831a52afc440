using System.Security.Cryptography;
using System.Text;

namespace Sigcerh.Telemetry.Health;

/// <summary>
/// The <c>X-Health-Key</c> secret, compared in constant time. Both sides are hashed first, so the comparison takes the
/// same time whatever the length of the value sent (a plain FixedTimeEquals returns at once on a length mismatch).
/// </summary>
internal sealed class DetailKey(string key)
{
    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public bool Matches(string sent)
    {
        Span<byte> given = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(sent);
        SHA256.HashData(bytes, given);
        return CryptographicOperations.FixedTimeEquals(given, _hash);
    }
}
