using System.Security.Cryptography;

namespace FamilyLinkBot.Crypto;

// A case token (SPEC §3): 80 bits from the system CSPRNG as 16 Crockford base32
// characters, shown as FL-XXXX-XXXX-XXXX-XXXX. Stored only as IndexKeys.TokenHash of
// Normalized; the token itself never reaches the database or a log.
public readonly record struct CaseToken
{
    internal const string Prefix = "FL";
    internal const int Length = 16;
    internal const int EntropyBytes = 10;

    private readonly string? _normalized;

    private CaseToken(string normalized)
    {
        _normalized = normalized;
    }

    // The 16 canonical characters, the input to TokenHash; empty for default(CaseToken).
    public string Normalized => _normalized ?? string.Empty;

    public static CaseToken NewToken()
    {
        Span<byte> bits = stackalloc byte[EntropyBytes];
        RandomNumberGenerator.Fill(bits);
        CaseToken token = new(Crockford32.Encode(bits));
        CryptographicOperations.ZeroMemory(bits);
        return token;
    }

    public static bool TryParse(string? input, out CaseToken token)
    {
        bool parsed = Crockford32.TryNormalize(input, Prefix, Length, out string normalized);
        token = parsed ? new CaseToken(normalized) : default;
        return parsed;
    }

    public override string ToString() => Crockford32.Format(Prefix, Normalized);
}
