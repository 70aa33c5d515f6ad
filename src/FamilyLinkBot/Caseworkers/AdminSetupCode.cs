using System.Security.Cryptography;
using System.Text;
using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The one-time code that makes the first admin when none is configured or claimed: 60 bits from the system CSPRNG,
/// shown as AD-XXXX-XXXX-XXXX on the console at start, valid 24 h and for one use. Kept in memory only, as a hash:
/// a restart issues a new code and the old one is dead.
/// </summary>
public sealed class AdminSetupCode(TimeProvider time)
{
    public static readonly TimeSpan Validity = TimeSpan.FromHours(24);
    private const string Prefix = "AD";
    private const int Length = 12;

    private readonly Lock _lock = new();
    private byte[]? _hash;
    private DateTimeOffset _expires;

    /// <summary>Makes a new code (the previous one stops working) and returns it for the console.</summary>
    public string Issue()
    {
        Span<byte> bits = stackalloc byte[8];
        RandomNumberGenerator.Fill(bits);
        var normalized = Crockford32.Encode(bits);
        CryptographicOperations.ZeroMemory(bits);
        lock (_lock)
        {
            _hash = Hash(normalized);
            _expires = time.GetUtcNow() + Validity;
        }

        return Crockford32.Format(Prefix, normalized);
    }

    /// <summary>True once for the right code within its validity; the code is used up by that.</summary>
    public bool TryRedeem(string? input)
    {
        if (!Crockford32.TryNormalize(input, Prefix, Length, out var normalized))
        {
            return false;
        }

        var given = Hash(normalized);
        lock (_lock)
        {
            if (_hash is null || time.GetUtcNow() >= _expires || !CryptographicOperations.FixedTimeEquals(given, _hash))
            {
                return false;
            }

            _hash = null;
            return true;
        }
    }

    private static byte[] Hash(string normalized) => SHA256.HashData(Encoding.ASCII.GetBytes(normalized));
}
