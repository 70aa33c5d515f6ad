using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

public sealed class CaseCodeParserTests
{
    private const string Code = "소나무 바다 연필 하늘 고양이 우산 김치";

    [Theory]
    [InlineData("FL-7KQ2-M9XD-3RTP-WC4H located Seen in Tumen", "FL-7KQ2-M9XD-3RTP-WC4H", "located Seen in Tumen")]
    [InlineData("#0a1b2c3d 잘 지내고 있어요", "#0a1b2c3d", "잘 지내고 있어요")]
    [InlineData("  FL-7KQ2-M9XD-3RTP-WC4H  ", "FL-7KQ2-M9XD-3RTP-WC4H", "")]
    [InlineData("FL 7KQ2 M9XD 3RTP WC4H at-risk 곧", "FL 7KQ2 M9XD 3RTP WC4H", "at-risk 곧")]
    [InlineData("7kq2 m9xd 3rtp wc4h hello", "7kq2 m9xd 3rtp wc4h", "hello")]
    [InlineData("FL-7KQ2 nonsense words here", "FL-7KQ2", "nonsense words here")]
    [InlineData("", "", "")]
    [InlineData("   ", "", "")]
    public void LettersCodeOrReferenceIsTheFirstWord(string arguments, string code, string rest)
    {
        Assert.Equal((code, rest), CaseCodeParser.Split(arguments));
    }

    [Theory]
    [InlineData(Code + " located 곧 연락드릴게요", Code, "located 곧 연락드릴게요")]
    [InlineData(Code + " 어머님 소식 들었어요 바다 건너", Code, "어머님 소식 들었어요 바다 건너")]
    [InlineData("소나무바다연필하늘고양이우산김치 located", "소나무바다연필하늘고양이우산김치", "located")]
    [InlineData("소나무-바다-연필-하늘-고양이-우산-김치 하늘 구름 바다", "소나무-바다-연필-하늘-고양이-우산-김치", "하늘 구름 바다")]
    [InlineData("소나무 바다 연필 하닐 고양이 우산 김치 안녕하세요", "소나무 바다 연필 하닐 고양이 우산 김치", "안녕하세요")]
    [InlineData("소나무바다 연필하늘 고양이우산 김치 safe", "소나무바다 연필하늘 고양이우산 김치", "safe")]
    [InlineData(Code, Code, "")]
    public void WordCodeEndsWhereTheCodeReadsWhole(string arguments, string code, string rest)
    {
        Assert.Equal((code, rest), CaseCodeParser.Split(arguments));
    }

    [Fact]
    public void ExactReadingWinsOverAShorterCorrectedOne()
    {
        // The text after the code starts with a list word: the code still ends after seven words.
        var (code, rest) = CaseCodeParser.Split(Code + " 김치 주세요");
        Assert.Equal(Code, code);
        Assert.Equal("김치 주세요", rest);
    }

    [Theory]
    [InlineData("소나무 바다 연필 하닐 고양이 우산 김취 located 메모", "소나무 바다 연필 하닐 고양이 우산 김취", "located 메모")]
    [InlineData("소남무바대연필하늘고양이우산김치 located", "소남무바대연필하늘고양이우산김치", "located")]
    [InlineData("가나다 located", "가나다", "located")]
    public void UnreadableWordCodeIsStillCutWhereItWasTyped(string arguments, string code, string rest)
    {
        // So /status answers "not found" (a look-up) rather than its usage.
        Assert.Equal((code, rest), CaseCodeParser.Split(arguments));
        Assert.False(CaseToken.TryParse(code, out _));
    }

    [Fact]
    public void NfdArgumentsAreReadAsNfc()
    {
        var (code, rest) = CaseCodeParser.Split((Code + " 안녕").Normalize(System.Text.NormalizationForm.FormD));
        Assert.Equal(Code, code);
        Assert.Equal("안녕", rest);
    }
}
