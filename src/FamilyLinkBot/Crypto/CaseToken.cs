using System.Security.Cryptography;

namespace FamilyLinkBot.Crypto;

// A case token (docs/DESIGN.md#3-cryptography) in one of two forms. Letters: 80 bits from the system CSPRNG as 16 Crockford
// base32 characters, shown as FL-XXXX-XXXX-XXXX-XXXX. Words: seven words of the Korean list, 63 bits
// (CaseWordCode). Both are stored only as IndexKeys.TokenHash of Normalized (ASCII for letters, Hangul words
// for words, so the two can never hash alike); the token itself never reaches the database or a log.
public readonly record struct CaseToken
{
    internal const string Prefix = "FL";
    internal const int Length = 16;
    internal const int EntropyBytes = 10;

    private readonly string? _normalized;

    private CaseToken(string normalized, CaseCodeForm form)
    {
        _normalized = normalized;
        Form = form;
    }

    // The canonical characters, the input to TokenHash; empty for default(CaseToken).
    public string Normalized => _normalized ?? string.Empty;

    public CaseCodeForm Form { get; }

    public static CaseToken NewToken() => NewToken(CaseCodeForm.Letters);

    public static CaseToken NewToken(CaseCodeForm form)
    {
        if (form == CaseCodeForm.Words)
        {
            return new CaseToken(CaseWordCode.NewCode(), CaseCodeForm.Words);
        }

        Span<byte> bits = stackalloc byte[EntropyBytes];
        RandomNumberGenerator.Fill(bits);
        CaseToken token = new(Crockford32.Encode(bits), CaseCodeForm.Letters);
        CryptographicOperations.ZeroMemory(bits);
        return token;
    }

    // Either form, as typed; a word code with one misspelt word is read as the word code it corrects to.
    public static bool TryParse(string? input, out CaseToken token)
    {
        if (Crockford32.TryNormalize(input, Prefix, Length, out string normalized))
        {
            token = new CaseToken(normalized, CaseCodeForm.Letters);
            return true;
        }

        if (CaseWordCode.TryNormalize(input, out string words, out _))
        {
            token = new CaseToken(words, CaseCodeForm.Words);
            return true;
        }

        token = default;
        return false;
    }

    public override string ToString() =>
        Form == CaseCodeForm.Words ? Normalized : Crockford32.Format(Prefix, Normalized);
}
