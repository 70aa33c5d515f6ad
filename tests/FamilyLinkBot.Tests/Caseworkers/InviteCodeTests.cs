using FamilyLinkBot.Caseworkers;

namespace FamilyLinkBot.Tests.Caseworkers;

public sealed class InviteCodeTests
{
    [Fact]
    public void NewCodeReadsAsThreeGroupsOfCrockfordBase32()
    {
        var code = InviteCode.NewCode();

        Assert.Matches("^CW-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", code.ToString());
        Assert.Equal(12, code.Normalized.Length); // 60 bits
    }

    [Fact]
    public void NewCodesDiffer()
    {
        var codes = Enumerable.Range(0, 1000).Select(_ => InviteCode.NewCode().Normalized).ToHashSet();

        Assert.Equal(1000, codes.Count);
    }

    [Theory]
    [InlineData("cw-abcd-efgh-jkmn")]
    [InlineData("ABCD EFGH JKMN")]
    [InlineData("abcdefghjkmn")]
    public void ParseIgnoresCaseSpacesDashesAndPrefix(string typed)
    {
        Assert.True(InviteCode.TryParse(typed, out var code));
        Assert.Equal("ABCDEFGHJKMN", code.Normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("CW-ABCD-EFGH")]
    [InlineData("CW-ABCD-EFGH-JKMNP")]
    [InlineData("CW-ABCD-EFGH-JKMU")]
    [InlineData("FL-ABCD-EFGH-JKMN-PQRS")]
    public void ParseRefusesOtherLengthsAndLetters(string typed)
    {
        Assert.False(InviteCode.TryParse(typed, out _));
    }
}
