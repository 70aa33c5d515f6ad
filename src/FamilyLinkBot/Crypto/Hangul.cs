namespace FamilyLinkBot.Crypto;

// Hangul syllables as jamo (Unicode 16, §3.12 "Conjoining Jamo Behavior"): every precomposed syllable
// U+AC00..U+D7A3 is initial × 588 + medial × 28 + final. Compound vowels (ㅘ) and compound finals (ㄺ)
// stay single units, so one slip of a finger is one edit.
internal static class Hangul
{
    private const int SyllableBase = 0xAC00;
    private const int SyllableCount = 11172;
    private const int MedialCount = 21;
    private const int FinalCount = 28;

    // Jamo units are encoded as small ints in three disjoint ranges: initial 0..18, medial 100..120, final 200..227.
    private const int MedialOffset = 100;
    private const int FinalOffset = 200;

    // Vowels most speakers no longer tell apart: ㅐ/ㅔ, ㅒ/ㅖ, ㅙ/ㅞ/ㅚ (medial indexes).
    private static readonly int[] MedialSound = BuildMedialSound();

    // Finals as pronounced at the end of a word (받침 neutralization): ㄲㅋ→ㄱ, ㅅㅆㅈㅊㅌㅎ→ㄷ, ㅍ→ㅂ, compound finals to the one heard.
    private static readonly int[] FinalSound =
    [
        0, 1, 1, 1, 4, 4, 4, 7, 8, 1, 16, 8, 8, 8, 17, 8, 16, 17, 17, 7, 7, 21, 7, 7, 1, 7, 17, 7,
    ];

    internal static bool IsSyllable(char c) => c >= SyllableBase && c < SyllableBase + SyllableCount;

    // The spelling as jamo units; false if any character is not a precomposed Hangul syllable.
    internal static bool TryJamo(ReadOnlySpan<char> syllables, List<int> jamo) => TryUnits(syllables, jamo, sound: false);

    // The spelling reduced to how it sounds: two words with the same sound key are homophones.
    internal static bool TrySoundKey(ReadOnlySpan<char> syllables, List<int> key) => TryUnits(syllables, key, sound: true);

    internal static int[] SoundKey(string syllables)
    {
        var key = new List<int>(syllables.Length * 3);
        return TrySoundKey(syllables, key) ? [.. key] : throw new ArgumentException("Not Hangul syllables.", nameof(syllables));
    }

    // Levenshtein distance, computed only while it can stay within max; returns max + 1 beyond it.
    internal static int Distance(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }

        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            current.CopyTo(previous);
        }

        return Math.Min(previous[b.Length], max + 1);
    }

    private static bool TryUnits(ReadOnlySpan<char> syllables, List<int> units, bool sound)
    {
        units.Clear();
        foreach (var c in syllables)
        {
            if (!IsSyllable(c))
            {
                return false;
            }

            var offset = c - SyllableBase;
            var initial = offset / (MedialCount * FinalCount);
            var medial = offset % (MedialCount * FinalCount) / FinalCount;
            var final = offset % FinalCount;
            if (sound)
            {
                medial = MedialSound[medial];
                final = FinalSound[final];
            }

            units.Add(initial);
            units.Add(MedialOffset + medial);
            if (final != 0)
            {
                units.Add(FinalOffset + final);
            }
        }

        return true;
    }

    private static int[] BuildMedialSound()
    {
        var sound = new int[MedialCount];
        for (var i = 0; i < MedialCount; i++)
        {
            sound[i] = i;
        }

        sound[1] = 5;   // ㅐ → ㅔ
        sound[3] = 7;   // ㅒ → ㅖ
        sound[10] = 11; // ㅙ → ㅚ
        sound[15] = 11; // ㅞ → ㅚ
        return sound;
    }
}
