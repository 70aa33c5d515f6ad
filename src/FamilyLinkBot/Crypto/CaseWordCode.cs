using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FamilyLinkBot.Crypto;

// Korean word case codes (docs/DESIGN.md#31-case-codes-in-korean-words): seven words drawn uniformly from the 512-word list,
// 63 bits, shown with spaces. Typed back with any spacing or separators, NFC or NFD, and with at most one
// word misspelt by one jamo (of its sound); anything else, or anything that reads two ways, is refused.
internal static class CaseWordCode
{
    internal const int WordCount = 7;

    // Longer input is refused before any work, so hostile input stays cheap.
    internal const int MaxInputLength = 200;

    internal static string NewCode() => NewCode(CaseWordList.Shared);

    internal static string NewCode(CaseWordList list)
    {
        var words = new string[WordCount];
        for (var i = 0; i < WordCount; i++)
        {
            // GetInt32 rejects and redraws out-of-range values: uniform, no modulo bias.
            words[i] = list.Words[RandomNumberGenerator.GetInt32(list.Count)];
        }

        return string.Join(' ', words);
    }

    // The canonical form (list words joined by single spaces), the input to the token hash. Corrected is
    // true when one word was misspelt. Never throws.
    internal static bool TryNormalize(string? input, out string canonical, out bool corrected) =>
        TryNormalize(CaseWordList.Shared, input, out canonical, out corrected);

    internal static bool TryNormalize(CaseWordList list, string? input, out string canonical, out bool corrected)
    {
        canonical = string.Empty;
        corrected = false;
        if (input is null || input.Length > MaxInputLength || !TrySplitRuns(input, out var runs))
        {
            return false;
        }

        var syllables = runs.Sum(r => r.Length);
        if (syllables < WordCount * CaseWordList.MinPieceSyllables || syllables > WordCount * CaseWordList.MaxPieceSyllables)
        {
            return false;
        }

        // Separators the person typed are word boundaries first; only if that finds nothing are they ignored
        // (a space typed inside a word). Exact readings before corrected ones: an exact reading is unique
        // because no two words share their first two syllables.
        List<string>[] attempts = runs.Count > 1 ? [runs, [string.Concat(runs)]] : [runs];
        foreach (var maxCorrections in new[] { 0, 1 })
        {
            foreach (var attempt in attempts)
            {
                var segmenter = new Segmenter(list, attempt, maxCorrections);
                switch (segmenter.Run())
                {
                    case { Count: 1 } found:
                        canonical = found.Single();
                        corrected = maxCorrections > 0;
                        return true;
                    case { Count: > 1 }:
                        return false; // reads as two different codes: not found rather than a guess
                }
            }
        }

        return false;
    }

    // Runs of Hangul syllables between separators (whitespace or punctuation); false on any other character.
    private static bool TrySplitRuns(string input, out List<string> runs)
    {
        runs = [];
        string text;
        try
        {
            text = input.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return false; // invalid UTF-16 (a lone surrogate)
        }

        var run = new StringBuilder();
        foreach (var c in text)
        {
            if (Hangul.IsSyllable(c))
            {
                run.Append(c);
                continue;
            }

            if (!IsSeparator(c))
            {
                return false;
            }

            if (run.Length > 0)
            {
                runs.Add(run.ToString());
                run.Clear();
            }
        }

        if (run.Length > 0)
        {
            runs.Add(run.ToString());
        }

        return runs.Count > 0;
    }

    private static bool IsSeparator(char c) =>
        char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) is
            UnicodeCategory.DashPunctuation or UnicodeCategory.OtherPunctuation or UnicodeCategory.ConnectorPunctuation
            or UnicodeCategory.Format; // zero-width spaces and joiners pasted from other apps

    // Depth-first over every way to cut the runs into WordCount list words with at most maxCorrections
    // corrected words. The depth is bounded by WordCount and each step tries at most two piece lengths, so
    // the work is bounded whatever the input; it stops as soon as two different codes are found.
    private sealed class Segmenter(CaseWordList list, List<string> runs, int maxCorrections)
    {
        private readonly Dictionary<(int Run, int Start, int Length), (int Index, bool Exact)> _matches = [];
        private readonly HashSet<string> _found = new(StringComparer.Ordinal);
        private readonly int[] _chosen = new int[WordCount];
        private readonly int _total = runs.Sum(r => r.Length);

        internal HashSet<string> Run()
        {
            Walk(0, 0, 0, 0, 0);
            return _found;
        }

        private void Walk(int run, int start, int word, int corrections, int consumed)
        {
            if (_found.Count > 1)
            {
                return;
            }

            if (run < runs.Count && start == runs[run].Length)
            {
                // A run must end on a word boundary.
                Walk(run + 1, 0, word, corrections, consumed);
                return;
            }

            if (word == WordCount || run == runs.Count)
            {
                if (word == WordCount && run == runs.Count)
                {
                    _found.Add(string.Join(' ', _chosen.Select(i => list.Words[i])));
                }

                return;
            }

            var wordsLeft = WordCount - word;
            var left = _total - consumed;
            if (left < wordsLeft * CaseWordList.MinPieceSyllables || left > wordsLeft * CaseWordList.MaxPieceSyllables)
            {
                return;
            }

            var text = runs[run];
            for (var length = CaseWordList.MinPieceSyllables; length <= CaseWordList.MaxPieceSyllables && start + length <= text.Length; length++)
            {
                var (index, exact) = Match(run, start, length);
                if (index < 0 || (!exact && corrections == maxCorrections))
                {
                    continue;
                }

                _chosen[word] = index;
                Walk(run, start + length, word + 1, exact ? corrections : corrections + 1, consumed + length);
            }
        }

        private (int Index, bool Exact) Match(int run, int start, int length)
        {
            if (!_matches.TryGetValue((run, start, length), out var match))
            {
                var index = list.Match(runs[run].AsSpan(start, length), out var exact);
                match = (index, exact);
                _matches.Add((run, start, length), match);
            }

            return match;
        }
    }
}
