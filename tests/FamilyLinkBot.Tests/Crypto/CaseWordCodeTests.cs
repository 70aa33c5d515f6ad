using System.Text;
using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

public sealed class CaseWordCodeTests
{
    private static readonly IReadOnlyList<string> Words = CaseWordList.Shared.Words;

    private const string Code = "소나무 바다 연필 하늘 고양이 우산 김치";

    [Fact]
    public void NewCodeIsSevenListWordsOfSixtyThreeBits()
    {
        var code = CaseToken.NewToken(CaseCodeForm.Words);

        var words = code.ToString().Split(' ');
        Assert.Equal(CaseWordCode.WordCount, words.Length);
        Assert.All(words, w => Assert.Contains(w, Words));
        Assert.Equal(code.Normalized, code.ToString());
        Assert.Equal(CaseCodeForm.Words, code.Form);
        Assert.True(CaseWordCode.WordCount * Math.Log2(Words.Count) >= 60);
    }

    [Fact]
    public void HundredThousandNewCodesAreUnique()
    {
        HashSet<string> seen = new(StringComparer.Ordinal);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(seen.Add(CaseWordCode.NewCode()));
        }
    }

    [Fact]
    public void NewCodesDrawEveryWordUniformly()
    {
        // 100,000 codes × 7 words over 512 words: about 1,367 draws a word. Chi-square with 511 degrees of
        // freedom has mean 511 and standard deviation 32; a bound of 900 (12 sd) never fails by chance, while a
        // modulo-biased or position-skewed generator (half the words twice as likely) scores in the tens of thousands.
        var counts = new int[Words.Count];
        var positions = new int[CaseWordCode.WordCount, 2];
        var index = Words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        const int codes = 100_000;
        for (var i = 0; i < codes; i++)
        {
            var words = CaseWordCode.NewCode().Split(' ');
            for (var p = 0; p < words.Length; p++)
            {
                var k = index[words[p]];
                counts[k]++;
                positions[p, k < Words.Count / 2 ? 0 : 1]++;
            }
        }

        double expected = (double)codes * CaseWordCode.WordCount / Words.Count;
        var chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.InRange(chiSquare, 200, 900);
        for (var p = 0; p < CaseWordCode.WordCount; p++)
        {
            // Each position draws the lower half of the list about half the time: 50,000 ± 158 (1 sd).
            Assert.InRange(positions[p, 0], 48_000, 52_000);
        }
    }

    [Fact]
    public void GeneratorUsesRandomNumberGeneratorGetInt32AndNoModulo()
    {
        // Structural check alongside the statistical one: the source draws with GetInt32(list size).
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "FamilyLinkBot", "Crypto", "CaseWordCode.cs"));
        Assert.Contains("RandomNumberGenerator.GetInt32(list.Count)", source, StringComparison.Ordinal);
        Assert.DoesNotContain("%", source.Split("internal static bool TryNormalize")[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("소나무 바다 연필 하늘 고양이 우산 김치")]
    [InlineData("소나무바다연필하늘고양이우산김치")]
    [InlineData("소나무-바다-연필-하늘-고양이-우산-김치")]
    [InlineData("소나무, 바다, 연필, 하늘, 고양이, 우산, 김치")]
    [InlineData("  소나무   바다\n연필\t하늘 고양이 우산 김치.  ")]
    [InlineData("소나무바다 연필하늘-고양이, 우산김치")]
    [InlineData("소나무\u3000바다\u00A0연필 하늘 고양이 우산 김치")]
    [InlineData("소나무 바다 연필 하늘 고양이 우산 김\u200B치")]
    [InlineData("소나 무 바다 연필 하늘 고양이 우산 김치")]          // a stray space inside a word
    public void AnySpacingOrSeparatorsReadTheSameCode(string typed)
    {
        Assert.True(CaseToken.TryParse(typed, out var token));
        Assert.Equal(Code, token.Normalized);
        Assert.Equal(CaseCodeForm.Words, token.Form);
    }

    [Fact]
    public void NfdInputReadsTheSameCode()
    {
        var nfd = Code.Normalize(NormalizationForm.FormD);
        Assert.NotEqual(Code, nfd);
        Assert.True(CaseToken.TryParse(nfd, out var token));
        Assert.Equal(Code, token.Normalized);
        Assert.True(CaseToken.TryParse(nfd.Replace(" ", ""), out token));
        Assert.Equal(Code, token.Normalized);
    }

    [Theory]
    [InlineData("소나무 바다 연필 하닐 고양이 우산 김치")]          // a wrong vowel
    [InlineData("소나무 바다 연필 하늘 고양이 우산 김취")]
    [InlineData("소남무 바다 연필 하늘 고양이 우산 김치")]          // an extra final
    [InlineData("소나무바다연필하늘고양이우산김취")]                // joined, with a typo
    [InlineData("소나무-바다-연필-하늘-고앙이-우산-김치")]
    [InlineData("소나무 바대 연필 하늘 고양이 우산 김치")]          // ㅐ for ㅏ
    public void OneMisspeltWordIsCorrected(string typed)
    {
        Assert.True(CaseWordCode.TryNormalize(typed, out var canonical, out var corrected));
        Assert.Equal(Code, canonical);
        Assert.True(corrected);
    }

    [Fact]
    public void ExactCodeIsNotMarkedCorrected()
    {
        Assert.True(CaseWordCode.TryNormalize(Code, out _, out var corrected));
        Assert.False(corrected);
    }

    [Theory]
    [InlineData("소나무 바다 연필 하닐 고양이 우산 김취")]          // two misspelt words
    [InlineData("소남무바대연필하늘고양이우산김치")]
    [InlineData("소나무 바다 연필 하늘 고양이 우산")]               // six words
    [InlineData("소나무 바다 연필 하늘 고양이 우산 김치 김치")]     // eight words
    [InlineData("소나무 바다 연필 하늘 고양이 우산 나방")]          // 나방: one jamo from 가방 and from 난방
    [InlineData("소나무 바다 연필 하늘 고양이 우산 컴퓨터")]        // not a list word
    [InlineData("소나무 바다 연필 하늘 고양이 우산 kimchi")]
    [InlineData("소나무 바다 연필 하늘 고양이 우산 김치1")]
    [InlineData("소나무 바다 연필 하늘 고양이 우산 ㄱ치")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("FL-")]
    public void UnknownAmbiguousOrMalformedCodesAreRefused(string typed)
    {
        Assert.False(CaseWordCode.TryNormalize(typed, out var canonical, out _));
        Assert.Empty(canonical);
    }

    [Fact]
    public void OverlongAndBrokenInputIsRefusedCheaply()
    {
        Assert.False(CaseToken.TryParse(Code + new string(' ', 300), out _));
        Assert.False(CaseToken.TryParse(string.Concat(Enumerable.Repeat("하늘", 100)), out _));
        Assert.False(CaseToken.TryParse("소나무 바다 연필 하늘 고양이 우산 김\uD800", out _));
        Assert.False(CaseToken.TryParse(null, out _));
    }

    [Fact]
    public void EveryNewCodeReadsBackJoinedAndHyphenated()
    {
        for (var i = 0; i < 2_000; i++)
        {
            var code = CaseWordCode.NewCode();
            Assert.True(CaseWordCode.TryNormalize(code.Replace(" ", ""), out var joined, out var corrected));
            Assert.Equal(code, joined);
            Assert.False(corrected);
            Assert.True(CaseWordCode.TryNormalize(code.Replace(' ', '-'), out var hyphenated, out _));
            Assert.Equal(code, hyphenated);
        }
    }

    [Fact]
    public void LettersAndWordsHashInputsNeverCoincide()
    {
        Assert.True(CaseToken.TryParse("FL-7KQ2-M9XD-3RTP-WC4H", out var letters));
        Assert.True(CaseToken.TryParse(Code, out var words));
        Assert.Equal(CaseCodeForm.Letters, letters.Form);
        Assert.Matches("^[0-9A-Z]{16}$", letters.Normalized);
        Assert.Matches("^[가-힣]+( [가-힣]+){6}$", words.Normalized);
        Assert.Equal("FL-7KQ2-M9XD-3RTP-WC4H", letters.ToString());
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FamilyLinkBot.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FamilyLinkBot.sln not found above the test folder.");
    }
}
