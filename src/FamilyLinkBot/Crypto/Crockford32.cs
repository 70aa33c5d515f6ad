namespace FamilyLinkBot.Crypto;

// Crockford's base32 (https://www.crockford.com/base32.html) for codes people read aloud
// and type: no I, L, O, U. Shared by case tokens and, later, invite codes.
internal static class Crockford32
{
    internal const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    // Longer input is refused before any work, so hostile input stays cheap.
    internal const int MaxInputLength = 64;

    internal const int GroupSize = 4;

    // Big-endian, 5 bits a character; bytes.Length * 8 must be a multiple of 5.
    internal static string Encode(ReadOnlySpan<byte> bytes)
    {
        int length = bytes.Length * 8 / 5;
        Span<char> chars = stackalloc char[length];
        int bitBuffer = 0;
        int bitCount = 0;
        int written = 0;
        foreach (byte b in bytes)
        {
            // Only the unconsumed bits (at most 12) matter; the mask keeps the rest out.
            bitBuffer = ((bitBuffer << 8) | b) & 0xFFFF;
            bitCount += 8;
            while (bitCount >= 5)
            {
                bitCount -= 5;
                chars[written++] = Alphabet[(bitBuffer >> bitCount) & 0x1F];
            }
        }

        return new string(chars[..written]);
    }

    // "PREFIX-XXXX-XXXX-..." from the normalized characters.
    internal static string Format(string prefix, string normalized)
    {
        if (normalized.Length == 0)
        {
            return string.Empty;
        }

        int groups = (normalized.Length + GroupSize - 1) / GroupSize;
        Span<char> chars = stackalloc char[prefix.Length + normalized.Length + groups];
        prefix.CopyTo(chars);
        int written = prefix.Length;
        for (int i = 0; i < normalized.Length; i++)
        {
            if (i % GroupSize == 0)
            {
                chars[written++] = '-';
            }

            chars[written++] = normalized[i];
        }

        return new string(chars);
    }

    // Case-insensitive; ignores spaces, dashes, underscores and other whitespace; strips an
    // optional prefix; maps the look-alikes I and L to 1 and O to 0; rejects U, any other
    // character and any other length. Never throws.
    internal static bool TryNormalize(string? input, string prefix, int length, out string normalized)
    {
        normalized = string.Empty;
        if (input is null || input.Length > MaxInputLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[MaxInputLength];
        int count = 0;
        foreach (char c in input)
        {
            if (c is '-' or '_' || char.IsWhiteSpace(c))
            {
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }

            chars[count++] = char.ToUpperInvariant(c);
        }

        ReadOnlySpan<char> body = chars[..count];
        if (body.Length == prefix.Length + length && body.StartsWith(prefix, StringComparison.Ordinal))
        {
            body = body[prefix.Length..];
        }

        if (body.Length != length)
        {
            return false;
        }

        Span<char> result = stackalloc char[length];
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i] switch
            {
                'I' or 'L' => '1',
                'O' => '0',
                var other => other,
            };
            if (c == 'U')
            {
                return false;
            }

            result[i] = c;
        }

        normalized = new string(result);
        return true;
    }
}
