using FamilyLinkBot.Caseworkers;

namespace FamilyLinkBot.Tests.Caseworkers;

/// <summary>Where the case named at the start of a caseworker command ends, and what counts as a case reference.</summary>
public sealed class CaseLookupTests
{
    public static TheoryData<string, string, string> Arguments() => new()
    {
        { "FL-ABCD-EFGH-JKMN-PQRS hello there", "FL-ABCD-EFGH-JKMN-PQRS", "hello there" },
        { "  #3f9a01c2   two\nlines ", "#3f9a01c2", "two\nlines" },
        { "#3f9a01c2", "#3f9a01c2", "" },
        { "", "", "" },
        { "   ", "", "" },
        { "\tCODE\ttext", "CODE", "text" },
    };

    [Theory]
    [MemberData(nameof(Arguments))]
    public void SplitCaseSeparatesTheCaseFromTheRest(string arguments, string expectedCase, string expectedRest)
    {
        var (found, rest) = CaseLookup.SplitCase(arguments);

        Assert.Equal(expectedCase, found);
        Assert.Equal(expectedRest, rest);
    }

    [Theory]
    [InlineData("#3f9a01c2", true)]
    [InlineData("#3F9A01C2", true)]
    [InlineData("＃3f9a01c2", true)]
    [InlineData("3f9a01c2", false)]
    [InlineData("#3f9a01c", false)]
    [InlineData("#3f9a01c2a", false)]
    [InlineData("#3f9a01cg", false)]
    [InlineData("#", false)]
    [InlineData("", false)]
    public void IsReferenceAcceptsOnlyAHashAndEightHexDigits(string text, bool expected) =>
        Assert.Equal(expected, CaseLookup.IsReference(text));
}
