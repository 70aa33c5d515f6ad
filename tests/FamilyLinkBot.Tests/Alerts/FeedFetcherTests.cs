using System.Net;
using System.Net.Sockets;
using FamilyLinkBot.Alerts;
using FamilyLinkBot.Testing.Feeds;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Tests.Alerts;

public sealed class FeedFetcherTests : IAsyncLifetime
{
    // A guard against a hung test, far above what any of these fetches needs; not a timing assertion.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private static readonly DateTimeOffset Published = new(2025, 2, 14, 3, 30, 0, TimeSpan.Zero);

    private readonly HttpClient _http = new();
    private FeedServer _server = null!;

    public async Task InitializeAsync() => _server = await FeedServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task RssFeedIsParsed()
    {
        _server.SetRss("rss", [
            new TestStory("  중국 공안, 단둥서 탈북민 체포\n 강제북송 우려 ", "https://news.example/a/1?utm_source=rss", Guid: "nk-0001",
                Summary: "<p>Chinese police &amp; <b>border</b> guards<br/>detained   five.</p><script>alert(1)</script>", Published: Published),
            new TestStory("Second story", "https://news.example/a/2"),
        ]);

        var result = await Fetch("rss");

        Assert.Equal(FeedFetchStatus.Ok, result.Status);
        Assert.Equal(200, result.HttpStatus);
        Assert.Null(result.Error);
        Assert.Equal(2, result.Items.Count);
        var first = result.Items[0];
        Assert.Equal("중국 공안, 단둥서 탈북민 체포 강제북송 우려", first.Title);
        Assert.Equal("https://news.example/a/1?utm_source=rss", first.Link);
        Assert.Equal("nk-0001", first.Id);
        Assert.Equal("Chinese police & border guards detained five.", first.Summary);
        Assert.Equal(Published, first.Published);
        Assert.Null(result.Items[1].Summary);
        Assert.Null(result.Items[1].Published);
    }

    [Fact]
    public async Task AtomFeedIsParsed()
    {
        _server.SetAtom("atom", [
            new TestStory("吉林图们边境 又有一批脱北者被遣返", "https://news.example/zh/9", Guid: "tag:news.example,2025:9",
                Summary: "<div>图们 &lt;边境&gt;</div>", Published: Published),
        ]);

        var result = await Fetch("atom");

        Assert.Equal(FeedFetchStatus.Ok, result.Status);
        var item = Assert.Single(result.Items);
        Assert.Equal("吉林图们边境 又有一批脱北者被遣返", item.Title);
        Assert.Equal("https://news.example/zh/9", item.Link);
        Assert.Equal("tag:news.example,2025:9", item.Id);
        Assert.Equal("图们 <边境>", item.Summary);
        Assert.Equal(Published, item.Published);
    }

    [Fact]
    public async Task SecondConditionalRequestGetsNotModified()
    {
        _server.SetRss("cond", [new TestStory("Story", "https://news.example/1")]);

        var first = await Fetch("cond");
        var second = await Fetch("cond", first.Validators);

        Assert.Equal(FeedFetchStatus.Ok, first.Status);
        Assert.NotNull(first.Validators?.ETag);
        Assert.Equal(FeedServer.LastModified.ToString("r"), first.Validators?.LastModified);
        Assert.Equal(FeedFetchStatus.NotModified, second.Status);
        Assert.Equal(304, second.HttpStatus);
        Assert.Empty(second.Items);
        Assert.Equal(first.Validators, second.Validators);
        var requests = _server.Requests.Where(r => r.Path == "/cond").ToList();
        Assert.Equal([200, 304], requests.Select(r => r.Status));
        Assert.Null(requests[0].IfNoneMatch);
        Assert.Equal(first.Validators!.ETag, requests[1].IfNoneMatch);
        Assert.Equal(first.Validators.LastModified, requests[1].IfModifiedSince);
    }

    [Fact]
    public async Task LastModifiedAloneGetsNotModified()
    {
        _server.SetRss("since", [new TestStory("Story", "https://news.example/1")]);

        var result = await Fetch("since", new FeedValidators(null, FeedServer.LastModified.ToString("r")));

        Assert.Equal(FeedFetchStatus.NotModified, result.Status);
    }

    [Fact]
    public async Task ChangedFeedWithOldETagIsFetchedAgain()
    {
        _server.SetRss("changing", [new TestStory("One", "https://news.example/1")]);
        var first = await Fetch("changing");
        _server.SetRss("changing", [new TestStory("One", "https://news.example/1"), new TestStory("Two", "https://news.example/2")]);

        var second = await Fetch("changing", first.Validators);

        Assert.Equal(FeedFetchStatus.Ok, second.Status);
        Assert.Equal(2, second.Items.Count);
        Assert.NotEqual(first.Validators!.ETag, second.Validators!.ETag);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(404)]
    [InlineData(403)]
    public async Task ErrorStatusFailsWithStatus(int status)
    {
        _server.SetRaw("error", status, "text/plain", "nope");
        var stored = new FeedValidators("\"old\"", null);

        var result = await Fetch("error", stored);

        Assert.Equal(FeedFetchStatus.Failed, result.Status);
        Assert.Equal(status, result.HttpStatus);
        Assert.Equal($"HTTP {status}", result.Error);
        Assert.Equal(stored, result.Validators);
    }

    [Fact]
    public async Task HangingFeedFailsWithTimeout()
    {
        _server.SetHanging("hang");

        var result = await Fetch("hang", timeout: TimeSpan.FromSeconds(1)).WaitAsync(Hang);

        Assert.Equal(FeedFetchStatus.Failed, result.Status);
        Assert.Equal("timeout", result.Error);
    }

    [Fact]
    public async Task CallerCancellationIsNotReportedAsFeedFailure()
    {
        _server.SetHanging("hang");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var fetcher = Fetcher(TimeSpan.FromSeconds(20));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => fetcher.FetchAsync(Source("hang"), null, cancel.Token).WaitAsync(Hang));
    }

    [Theory]
    [InlineData("<rss version=\"2.0\"><channel><title>x</title><item><title>broken</item></channel></rss>", "malformed XML")]
    [InlineData("just some text, not XML", "malformed XML")]
    [InlineData("<?xml version=\"1.0\"?><note><to>you</to></note>", "not an RSS 2.0 or Atom feed")]
    [InlineData("<!DOCTYPE html><html><head><title>Login</title></head><body>Please sign in</body></html>", "not a feed (an HTML page)")]
    [InlineData("  \n ", "empty response")]
    [InlineData("", "empty response")]
    public async Task BrokenBodyFails(string body, string error)
    {
        // Served as RSS: the content type is not trusted, the bytes decide.
        _server.SetRaw("broken", 200, "application/rss+xml", body);

        var result = await Fetch("broken");

        Assert.Equal(FeedFetchStatus.Failed, result.Status);
        Assert.StartsWith(error, result.Error, StringComparison.Ordinal);
        Assert.Equal(200, result.HttpStatus);
    }

    [Fact]
    public async Task FeedServedAsHtmlContentTypeIsStillParsed()
    {
        _server.SetRaw("mislabelled", 200, "text/html", FeedServer.Rss([new TestStory("Story", "https://news.example/1")]));

        var result = await Fetch("mislabelled");

        Assert.Equal(FeedFetchStatus.Ok, result.Status);
        Assert.Single(result.Items);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwentyMegabyteFeedFailsAsTooLarge(bool declareLength)
    {
        _server.SetHuge("huge", 20_000_000, declareLength);

        var result = await Fetch("huge").WaitAsync(Hang);

        Assert.Equal(FeedFetchStatus.Failed, result.Status);
        Assert.StartsWith("too large", result.Error, StringComparison.Ordinal);
        Assert.Equal(200, result.HttpStatus);
    }

    [Fact]
    public async Task XmlBombFailsSafely()
    {
        _server.SetXmlBomb("bomb");

        var result = await Fetch("bomb").WaitAsync(Hang);

        Assert.Equal(FeedFetchStatus.Failed, result.Status);
        Assert.StartsWith("malformed XML", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnparseableDatesAndLinksCostOnlyThemselves()
    {
        const string rss = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>t</title><link>https://news.example/</link><description>d</description>
              <item><title>Korean date</title><link>https://news.example/1</link><pubDate>2024-03-05 10:00:00</pubDate></item>
              <item><title>Nonsense date</title><link>https://news.example/2</link><pubDate>어제 오후 3시</pubDate></item>
              <item><title>Impossible date</title><link>https://news.example/3</link><pubDate>Tue, 31 Foo 2024 25:61:00 KST</pubDate></item>
              <item><title>Named zone</title><link>https://news.example/4</link><pubDate>Tue, 5 Mar 2024 10:00:00 KST</pubDate></item>
              <item><title>Relative link</title><link>/news/5</link><pubDate>Tue, 05 Mar 2024 01:00:00 +0900</pubDate></item>
              <item><title>Broken link</title><link>http://[bad</link></item>
              <item><description>Only a &lt;b&gt;description&lt;/b&gt; here</description><guid>https://news.example/7</guid></item>
            </channel></rss>
            """;
        _server.SetRaw("dates", 200, "application/rss+xml", rss);

        var result = await Fetch("dates");

        Assert.Equal(FeedFetchStatus.Ok, result.Status);
        Assert.Equal(
            ["Korean date", "Nonsense date", "Impossible date", "Named zone", "Relative link", "Broken link", "Only a description here"],
            result.Items.Select(i => i.Title));
        Assert.Equal(new DateTimeOffset(2024, 3, 5, 10, 0, 0, TimeSpan.Zero), result.Items[0].Published);
        Assert.Null(result.Items[1].Published);
        Assert.Null(result.Items[2].Published);
        Assert.Equal(new DateTimeOffset(2024, 3, 5, 10, 0, 0, TimeSpan.FromHours(9)), result.Items[3].Published);
        Assert.Equal("https://news.example/news/5", result.Items[4].Link);
        Assert.Null(result.Items[5].Link);
        Assert.Equal("https://news.example/7", result.Items[6].Link);
    }

    [Fact]
    public async Task RealWorldRssExtrasAreTolerated()
    {
        const string rss = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel><title>북한 뉴스</title><link>https://news.example/</link><description>d</description><language>ko</language>
              <item>
                <title><![CDATA[[단독] 中 훈춘서 탈북민 체포]]></title>
                <link>https://news.example/view/1</link>
                <guid isPermaLink="true">https://news.example/view/1</guid>
                <category>북한</category>
                <dc:creator>기자</dc:creator>
                <dc:date>2025-02-14T12:30:00+09:00</dc:date>
                <enclosure url="https://news.example/1.jpg" length="0" type="image/jpeg"/>
                <description><![CDATA[<img src="x.jpg"/><p>중국 공안이&nbsp;탈북민을 <a href="#">체포</a>했다.</p>]]></description>
                <content:encoded><![CDATA[<p>long body</p>]]></content:encoded>
              </item>
            </channel></rss>
            """;
        _server.SetRaw("extras", 200, "text/xml; charset=utf-8", rss);

        var result = await Fetch("extras");

        Assert.Equal(FeedFetchStatus.Ok, result.Status);
        var item = Assert.Single(result.Items);
        Assert.Equal("[단독] 中 훈춘서 탈북민 체포", item.Title);
        Assert.Equal("중국 공안이 탈북민을 체포했다.", item.Summary);
        Assert.Equal("https://news.example/view/1", item.Link);
    }

    [Fact]
    public async Task BrokenFeedsDoNotAffectAGoodOneFetchedConcurrently()
    {
        _server.SetRss("good", [new TestStory("두만강 국경 경비 강화", "https://news.example/good")]);
        _server.SetHanging("hang");
        _server.SetHuge("huge", 20_000_000);
        _server.SetXmlBomb("bomb");
        _server.SetRaw("error", 502, "text/html", "<html>Bad gateway</html>");
        var fetcher = Fetcher(TimeSpan.FromSeconds(2));

        var results = await Task.WhenAll(
            new[] { "hang", "huge", "good", "bomb", "error" }.Select(path => fetcher.FetchAsync(Source(path), null, CancellationToken.None)))
            .WaitAsync(Hang);

        Assert.Equal(
            [FeedFetchStatus.Failed, FeedFetchStatus.Failed, FeedFetchStatus.Ok, FeedFetchStatus.Failed, FeedFetchStatus.Failed],
            results.Select(r => r.Status));
        Assert.Equal("두만강 국경 경비 강화", Assert.Single(results[2].Items).Title);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://news.example/feed.xml")]
    [InlineData("not a url")]
    [InlineData("/relative/feed.xml")]
    public async Task NonHttpUrlFailsWithoutRequest(string url)
    {
        var result = await Fetcher().FetchAsync(new FeedSource("bad", url, null), null, CancellationToken.None);

        Assert.Equal(FeedFetchStatus.Failed, result.Status);
        Assert.StartsWith("invalid URL", result.Error, StringComparison.Ordinal);
        Assert.Null(result.HttpStatus);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task ErrorsDoNotRevealUrlOrQueryString()
    {
        var notFound = await Fetcher().FetchAsync(
            new FeedSource("secret", _server.UrlFor("missing?token=s3cret"), null), null, CancellationToken.None);
        var refused = await Fetcher().FetchAsync(
            new FeedSource("secret", $"http://127.0.0.1:{ClosedPort()}/feed?token=s3cret", null), null, CancellationToken.None);

        Assert.Equal("HTTP 404", notFound.Error);
        Assert.Equal(FeedFetchStatus.Failed, refused.Status);
        Assert.StartsWith("network error", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", refused.Error, StringComparison.Ordinal);
    }

    private Task<FeedFetchResult> Fetch(string path, FeedValidators? validators = null, TimeSpan? timeout = null) =>
        Fetcher(timeout ?? TimeSpan.FromSeconds(10)).FetchAsync(Source(path), validators, CancellationToken.None);

    private FeedFetcher Fetcher(TimeSpan? timeout = null) =>
        new(_http, TimeProvider.System, Options.Create(new NewsOptions { FetchTimeout = timeout ?? TimeSpan.FromSeconds(10) }));

    private FeedSource Source(string path) => new(path, _server.UrlFor(path), "ko");

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
