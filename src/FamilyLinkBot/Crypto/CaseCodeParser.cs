using System.Text;

namespace FamilyLinkBot.Crypto;

/// <summary>
/// Finds where a case code ends at the start of command arguments (<c>/status CODE STATUS note</c>,
/// <c>/reply CODE text</c>). A reference (<c>#…</c>) is the first word; a letters code is the first word, or the
/// first few when typed with spaces. A Korean word code
/// has spaces, so leading words are taken up to the shortest run that reads as a whole code — an exact reading
/// preferred to a corrected one; if none reads, the code is taken as typed (seven spaced words, or one word
/// when the words were joined) so the look-up answers "not found" rather than the command's usage.
/// </summary>
public static class CaseCodeParser
{
    // "FL" and four groups of four.
    private const int LettersWordLimit = 5;

    public static (string Code, string Remainder) Split(string arguments)
    {
        var text = Nfc(arguments.Trim());
        var words = Words(text);
        if (words.Count == 0)
        {
            return ("", "");
        }

        if (!IsCodeWord(text, words[0]))
        {
            // Letters codes ignore spaces too (docs/DESIGN.md#3-cryptography): "FL 7KQ2 M9XD 3RTP WC4H" is one code.
            for (var i = 0; i < Math.Min(words.Count, LettersWordLimit); i++)
            {
                if (Crockford32.TryNormalize(text[..words[i].End], CaseToken.Prefix, CaseToken.Length, out _))
                {
                    return Cut(text, words[i].End);
                }
            }

            return Cut(text, words[0].End);
        }

        // A stray space inside a word can split it in two, so look as far as twice the word count.
        var codeWords = 0;
        while (codeWords < words.Count && codeWords < CaseWordCode.WordCount * 2 && IsCodeWord(text, words[codeWords]))
        {
            codeWords++;
        }

        foreach (var allowCorrection in new[] { false, true })
        {
            for (var i = 0; i < codeWords; i++)
            {
                if (CaseWordCode.TryNormalize(text[..words[i].End], out _, out var corrected) && (allowCorrection || !corrected))
                {
                    return Cut(text, words[i].End);
                }
            }
        }

        return Cut(text, words[codeWords >= CaseWordCode.WordCount ? CaseWordCode.WordCount - 1 : 0].End);
    }

    // A word that can be part of a word code: Hangul syllables and separators, at least one syllable.
    private static bool IsCodeWord(string text, (int Start, int End) word)
    {
        var syllables = 0;
        foreach (var c in text.AsSpan(word.Start, word.End - word.Start))
        {
            if (Hangul.IsSyllable(c))
            {
                syllables++;
            }
            else if (char.IsLetterOrDigit(c) || char.IsSymbol(c))
            {
                return false;
            }
        }

        return syllables > 0;
    }

    private static (string, string) Cut(string text, int end) => (text[..end], text[end..].Trim());

    private static List<(int Start, int End)> Words(string text)
    {
        var words = new List<(int, int)>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var space = i == text.Length || char.IsWhiteSpace(text[i]);
            if (!space && start < 0)
            {
                start = i;
            }
            else if (space && start >= 0)
            {
                words.Add((start, i));
                start = -1;
            }
        }

        return words;
    }

    private static string Nfc(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return text; // a lone surrogate: left as typed; it parses as no code
        }
    }
}
