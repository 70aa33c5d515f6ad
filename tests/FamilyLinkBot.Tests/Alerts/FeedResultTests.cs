using FamilyLinkBot.Alerts;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Tests.Alerts;

public sealed class FeedResultTests
{
    [Theory]
    [InlineData(Language.En, "ok: 12 items, 3 new alerts")]
    [InlineData(Language.Ko, "정상: 기사 12개, 새 알림 3건")]
    [InlineData(Language.Zh, "正常：12 条，新提醒 3 条")]
    public void OkIsShownInTheAdminsLanguage(Language language, string expected) =>
        Assert.Equal(expected, FeedResult.Describe(Texts.Shared, language, FeedResult.Ok(12, 3)).Value);

    [Fact]
    public void EveryResultKindHasItsOwnText()
    {
        Assert.Equal("바뀐 내용 없음", FeedResult.Describe(Texts.Shared, Language.Ko, FeedResult.NotModified).Value);
        Assert.Equal("ok: 5 items recorded as seen (first fetch)", FeedResult.Describe(Texts.Shared, Language.En, FeedResult.Seen(5)).Value);
        Assert.Equal("실패: HTTP 500", FeedResult.Describe(Texts.Shared, Language.Ko, FeedResult.Failed("HTTP 500")).Value);
    }

    [Fact]
    public void AFailureReasonIsEscapedOnce()
    {
        var shown = FeedResult.Describe(Texts.Shared, Language.En, FeedResult.Failed("malformed XML: unexpected <b> & more")).Value;

        Assert.Equal("failed: malformed XML: unexpected &lt;b&gt; &amp; more", shown);
    }

    [Theory]
    [InlineData("ok: 1 items, 0 new alerts")] // written before results were codes
    [InlineData("ok x y")]
    [InlineData("seen")]
    [InlineData("<weird>")]
    public void AnUnknownStoredValueIsShownEscapedAsItIs(string stored) =>
        Assert.Equal(System.Net.WebUtility.HtmlEncode(stored), FeedResult.Describe(Texts.Shared, Language.En, stored).Value);

    [Fact]
    public void NothingStoredShowsNothing() => Assert.Equal("", FeedResult.Describe(Texts.Shared, Language.En, null).Value);
}
