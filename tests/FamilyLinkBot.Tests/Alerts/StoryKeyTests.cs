using FamilyLinkBot.Alerts;

namespace FamilyLinkBot.Tests.Alerts;

public sealed class StoryKeyTests
{
    [Theory]
    [InlineData("https://news.example/a/1", "https://news.example/a/1")]
    [InlineData("http://News.Example/a/1/", "https://news.example/a/1")]
    [InlineData("https://www.news.example/a/1#comments", "https://news.example/a/1")]
    [InlineData("https://news.example:443/a/1?utm_source=rss&utm_medium=feed", "https://news.example/a/1")]
    [InlineData("https://news.example/a/1?fbclid=IwAR0x&gclid=abc&MSCLKID=1", "https://news.example/a/1")]
    [InlineData("https://news.example/view?page=2&id=7&utm_campaign=x", "https://news.example/view?id=7&page=2")]
    [InlineData("https://news.example:8443/a/1", "https://news.example:8443/a/1")]
    [InlineData("https://news.example/", "https://news.example")]
    public void LinkNormalizes(string link, string normalized)
    {
        Assert.Equal(normalized, StoryKey.NormalizeLink(link));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/relative/1")]
    [InlineData("ftp://news.example/1")]
    [InlineData("javascript:alert(1)")]
    public void NonHttpLinkHasNoKey(string? link)
    {
        Assert.Null(StoryKey.NormalizeLink(link));
    }

    [Fact]
    public void UnicodeAndPunycodeHostsAreOneLink()
    {
        Assert.Equal(
            StoryKey.NormalizeLink("https://xn--vg1b002a.example/%EA%B8%B0%EC%82%AC"),
            StoryKey.NormalizeLink("https://뉴스.example/기사"));
    }

    [Fact]
    public void PathCaseIsKept()
    {
        Assert.NotEqual(StoryKey.NormalizeLink("https://news.example/A"), StoryKey.NormalizeLink("https://news.example/a"));
    }

    [Fact]
    public void TrackingParametersAndFragmentsDoNotMakeANewStory()
    {
        var plain = Item(link: "https://news.example/nk/1234");
        var tracked = Item(link: "http://www.news.example/nk/1234/?utm_source=twitter&fbclid=xyz#top", title: "A different headline");

        Assert.True(SameStory(plain, tracked));
    }

    [Fact]
    public void SameTitleInTwoFeedsIsOneStory()
    {
        var yonhap = Item(link: "https://yna.example/view/AKR2025", title: "중국, 탈북민 60명 강제북송…정부 \"깊은 유감\"");
        var other = Item(link: "https://other.example/news/77", title: "중국, 탈북민 60명 강제북송 — 정부 '깊은 유감'  ");

        Assert.True(SameStory(yonhap, other));
    }

    [Fact]
    public void DifferentStoriesShareNoKey()
    {
        var a = Item(link: "https://news.example/1", title: "China repatriates 60 defectors", id: "https://news.example/?p=1");
        var b = Item(link: "https://news.example/2", title: "China repatriates 40 defectors", id: "https://news.example/?p=2");

        Assert.False(SameStory(a, b));
    }

    [Fact]
    public void ShortTitleIsNoKey()
    {
        var keys = StoryKey.For(Item(link: null, title: "속보: 북송!"));

        Assert.Empty(keys);
    }

    [Fact]
    public void GuidEqualToLinkAddsNoKey()
    {
        var keys = StoryKey.For(Item(link: "https://news.example/1", id: "http://news.example/1/", title: "Short"));

        Assert.Equal(["link:https://news.example/1"], keys);
    }

    [Fact]
    public void PermalinkGuidMatchesTheSameLinkElsewhere()
    {
        var withGuid = Item(link: "https://feedproxy.example/~r/nk/123", id: "https://news.example/nk/123", title: "Headline one here");
        var direct = Item(link: "https://news.example/nk/123?utm_source=feed", title: "Headline two there");

        Assert.Contains("guid:https://news.example/nk/123", StoryKey.For(withGuid));
        Assert.Contains("link:https://news.example/nk/123", StoryKey.For(direct));
    }

    [Fact]
    public void PlainGuidIsScopedToItsFeed()
    {
        // Two sites both numbering their stories "1234" must not silence each other.
        var a = Item(link: null, id: "1234", title: "Story from feed A");
        var b = Item(link: null, id: "1234", title: "Story from feed B");

        Assert.DoesNotContain(StoryKey.For(a), key => key.StartsWith("guid:", StringComparison.Ordinal));
        Assert.False(SameStory(a, b, "https://a.example/rss", "https://b.example/rss"));
        Assert.True(SameStory(a, b, "https://a.example/rss", "http://a.example/rss/"));
    }

    [Fact]
    public void TagGuidIsGlobal()
    {
        var keys = StoryKey.For(Item(link: null, id: "tag:news.example,2025:9", title: "Short"));

        Assert.Equal(["guid:tag:news.example,2025:9"], keys);
    }

    [Fact]
    public void TitleKeyIgnoresWidthCaseAndHiddenCharacters()
    {
        Assert.Equal(StoryKey.NormalizeTitle("CHINA  Repatriates\u200B 60"), StoryKey.NormalizeTitle("ｃｈｉｎａ repatriates, 60."));
    }

    private static FeedItem Item(string? link, string title = "Some headline here", string? id = null) =>
        new(id, link, title, null, null);

    private static bool SameStory(FeedItem a, FeedItem b, string? feedA = null, string? feedB = null) =>
        StoryKey.For(a, feedA).Intersect(StoryKey.For(b, feedB)).Any();
}
