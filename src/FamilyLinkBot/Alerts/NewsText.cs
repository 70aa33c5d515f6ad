using System.Globalization;
using System.Text;

namespace FamilyLinkBot.Alerts;

// Text normalization shared by the matcher (headlines and keywords alike) and story keys. Every step is a single
// pass over a length-capped input, so hostile text costs at most linear time.
internal static class NewsText
{
    /// <summary>
    /// Unicode NFKC, invariant lower case, no format characters (zero-width space and joiners, soft hyphen, BOM,
    /// bidi controls), lone surrogates replaced, typographic quotes and dashes unified, whitespace runs as one space.
    /// </summary>
    public static string Normalize(string? text, int maxInputChars = int.MaxValue)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var input = text.AsSpan(0, CutPoint(text, maxInputChars));
        if (input.Length > 0 && char.IsHighSurrogate(input[^1]))
        {
            input = input[..^1];
        }

        var cleaned = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (char.IsHighSurrogate(c) && i + 1 < input.Length && char.IsLowSurrogate(input[i + 1]))
            {
                cleaned.Append(c).Append(input[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                // string.Normalize throws on ill-formed UTF-16; a hostile headline must not make matching throw.
                cleaned.Append('\uFFFD');
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.Format)
            {
                cleaned.Append(c);
            }
        }

        var composed = cleaned.ToString().Normalize(NormalizationForm.FormKC).ToLowerInvariant();

        var result = new StringBuilder(composed.Length);
        var pendingSpace = false;
        foreach (var c in composed)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = result.Length > 0;
                continue;
            }

            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                continue;
            }

            if (pendingSpace)
            {
                result.Append(' ');
                pendingSpace = false;
            }

            result.Append(Unify(c));
        }

        return result.ToString();
    }

    // Cut at a space near the cap when there is one: a word cut in half ("borderline" → "border") would match.
    private static int CutPoint(string text, int maxInputChars)
    {
        if (text.Length <= maxInputChars)
        {
            return text.Length;
        }

        for (var cut = maxInputChars; cut > maxInputChars - 100 && cut > 0; cut--)
        {
            if (char.IsWhiteSpace(text[cut]))
            {
                return cut;
            }
        }

        return maxInputChars;
    }

    /// <summary>True for a letter or digit of a script that separates words with spaces (Latin, Cyrillic, ...).</summary>
    public static bool IsSpacedWordChar(char c) => char.IsLetterOrDigit(c) && !IsUnspacedScript(c);

    // Hangul, CJK ideographs, kana and Thai/Lao do not mark word boundaries with spaces: keywords in them are substrings.
    private static bool IsUnspacedScript(char c) =>
        c is (>= '\u0E00' and <= '\u0EFF')
            or (>= '\u1100' and <= '\u11FF')
            or (>= '\u2E80' and <= '\u9FFF')
            or (>= '\uA960' and <= '\uA97F')
            or (>= '\uAC00' and <= '\uD7FF')
            or (>= '\uF900' and <= '\uFAFF')
            or (>= '\uFF66' and <= '\uFFDC');

    private static char Unify(char c) => c switch
    {
        '\u2018' or '\u2019' or '\u201B' or '\u2032' or '`' => '\'',
        '\u201C' or '\u201D' or '\u201F' or '\u2033' => '"',
        _ when CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.DashPunctuation => '-',
        _ => c,
    };
}
