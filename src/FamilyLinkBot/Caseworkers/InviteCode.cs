using System.Security.Cryptography;
using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// A one-time caseworker invite code: 60 bits from the system CSPRNG as 12 Crockford base32 characters,
/// shown as CW-XXXX-XXXX-XXXX. Stored only as its keyed hash; valid 48 h and for one use (docs/DESIGN.md#43-caseworkers).
/// </summary>
public readonly record struct InviteCode
{
    public const string HashPurpose = "invite-code";
    private const string Prefix = "CW";
    private const int Length = 12;

    private readonly string? _normalized;

    private InviteCode(string normalized) => _normalized = normalized;

    public string Normalized => _normalized ?? string.Empty;

    public static InviteCode NewCode()
    {
        // 8 bytes give 64 bits; the encoder emits 12 characters (60 bits) and drops the last 4.
        Span<byte> bits = stackalloc byte[8];
        RandomNumberGenerator.Fill(bits);
        var code = new InviteCode(Crockford32.Encode(bits));
        CryptographicOperations.ZeroMemory(bits);
        return code;
    }

    public static bool TryParse(string? input, out InviteCode code)
    {
        var parsed = Crockford32.TryNormalize(input, Prefix, Length, out var normalized);
        code = parsed ? new InviteCode(normalized) : default;
        return parsed;
    }

    public override string ToString() => Crockford32.Format(Prefix, Normalized);
}
