using System.Reflection;
using System.Text;

namespace FamilyLinkBot.Crypto;

// The curated Korean word list for case codes (Crypto/case-code-words.txt, embedded). Words are matched
// against this list only, never against the database: a typo is corrected to the one list word within
// one jamo edit of its sound, or not at all.
internal sealed class CaseWordList
{
    internal const string ResourceName = "FamilyLinkBot.Crypto.case-code-words.txt";

    // Words are 2-3 syllables, and one jamo edit never changes the syllable count (every syllable has exactly
    // one vowel, and initials and finals are different units), so a piece to match is 2-3 syllables too.
    internal const int MinPieceSyllables = 2;
    internal const int MaxPieceSyllables = 3;

    private readonly Dictionary<string, int> _index;
    private readonly int[][] _soundKeys;

    private CaseWordList(IReadOnlyList<string> words)
    {
        Words = words;
        _index = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        _soundKeys = new int[words.Count][];
        for (var i = 0; i < words.Count; i++)
        {
            _index.Add(words[i], i);
            _soundKeys[i] = Hangul.SoundKey(words[i]);
        }
    }

    internal static CaseWordList Shared { get; } = Load();

    internal IReadOnlyList<string> Words { get; }

    internal int Count => Words.Count;

    // The index of the list word this piece spells, or of the single word within one jamo edit of its sound;
    // -1 when there is none or more than one. Exact is true only for the word spelt as listed.
    internal int Match(ReadOnlySpan<char> piece, out bool exact)
    {
        exact = false;
        if (piece.Length is < MinPieceSyllables or > MaxPieceSyllables)
        {
            return -1;
        }

        var lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(piece, out var index))
        {
            exact = true;
            return index;
        }

        var key = new List<int>(piece.Length * 3);
        if (!Hangul.TrySoundKey(piece, key))
        {
            return -1;
        }

        ReadOnlySpan<int> pieceKey = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(key);
        var found = -1;
        for (var i = 0; i < _soundKeys.Length; i++)
        {
            if (Hangul.Distance(pieceKey, _soundKeys[i], 1) <= 1)
            {
                if (found >= 0)
                {
                    return -1; // two candidates: ambiguous, so not found
                }

                found = i;
            }
        }

        return found;
    }

    internal static CaseWordList Parse(string text)
    {
        var words = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            words.Add(line.Normalize(NormalizationForm.FormC));
        }

        return new CaseWordList(words);
    }

    private static CaseWordList Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("The case code word list is missing from the program.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }
}
