using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FamilyLinkBot.Alerts;
using FamilyLinkBot.Sandbox;
using FamilyLinkBot.Testing.Feeds;
using FamilyLinkBot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Tests.Sandbox;

public sealed partial class SandboxTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static Regex TokenPattern() => EndToEnd.CaseFlowTests.TokenPattern();

    internal static async Task<string> RegisterWithButtonsAsync(SandboxClient page)
    {
        await page.SendAsync("family", "/start");
        await page.PressAsync("family", "한국어");
        foreach (var label in new[] { "새로 등록하기", "자녀", "건너뛰기", "지린(길림)", "건너뛰기", "모름", "등록하기" })
        {
            await page.PressAsync("family", label);
        }

        var tokenMessage = await page.WaitForBotMessageAsync("family", m => TokenPattern().IsMatch(m.GetProperty("text").GetString()!));
        Assert.True(tokenMessage.GetProperty("protected").GetBoolean());
        return TokenPattern().Match(tokenMessage.GetProperty("text").GetString()!).Value;
    }

    [Fact]
    public async Task SandboxRegistersACaseOverThePageApiAndTalksToLoopbackOnly()
    {
        await using var sandbox = await SandboxClient.StartAsync(_folder.Path);
        using var page = new SandboxClient(sandbox.PageUrl);

        var token = await RegisterWithButtonsAsync(page);

        Assert.NotEmpty(token);
        Assert.Equal(IPAddress.Loopback.ToString(), sandbox.PageUrl.Host);
        Assert.NotEmpty(sandbox.OutboundHosts);
        Assert.All(sandbox.OutboundHosts, host => Assert.Equal("127.0.0.1", host));
        Assert.NotEmpty(sandbox.Emulator.Requests);
        Assert.All(sandbox.BotSettings.Values, value => Assert.DoesNotContain("telegram.org", value ?? "", StringComparison.OrdinalIgnoreCase));
        Assert.True(File.Exists(Path.Combine(_folder.Path, "familylinkbot.db")));
        Assert.True(File.Exists(Path.Combine(_folder.Path, "master.key")));
    }

    [Fact]
    public async Task SandboxHttpClientsFollowNoRedirect()
    {
        await using var sandbox = await SandboxClient.StartAsync(_folder.Path);
        await using var server = await FeedServer.StartAsync();
        // LoopbackOnlyHandler sees only the first request, so a followed redirect could leave loopback unseen. The target
        // here is a second loopback path that shows whether it was reached, so no test run sends anything off loopback.
        server.SetRss("landing.xml", [new TestStory("Moved story", "http://127.0.0.1/moved")]);
        server.SetRedirect("moved.xml", server.UrlFor("landing.xml"));
        var factory = sandbox.Bot.Services.GetRequiredService<IHttpClientFactory>();

        foreach (var name in new[] { AlertsServiceCollectionExtensions.HttpClientName, FamilyLinkBot.Telegram.TelegramServiceCollectionExtensions.HttpClientName, Options.DefaultName })
        {
            using var client = factory.CreateClient(name);
            using var response = await client.GetAsync(new Uri(server.UrlFor("moved.xml")));
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        }

        Assert.Equal(3, server.Requests.Count(r => r.Path == "/moved.xml"));
        Assert.DoesNotContain(server.Requests, r => r.Path == "/landing.xml");
        Assert.All(sandbox.OutboundHosts, host => Assert.Equal("127.0.0.1", host));
    }

    [Fact]
    public async Task SandboxRefusesPostsFromAnotherOrigin()
    {
        await using var sandbox = await SandboxClient.StartAsync(_folder.Path);
        using var page = new SandboxClient(sandbox.PageUrl);
        var origin = sandbox.PageUrl.GetLeftPart(UriPartial.Authority);

        async Task<HttpStatusCode> PostAsync(string path, params (string Name, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { text = "/help" }) };
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await page.Http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync("api/panes/family/send", ("Origin", "https://evil.example")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync("api/feed/publish", ("Origin", "http://127.0.0.1:1")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync("api/feed/publish", ("Sec-Fetch-Site", "cross-site")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync("api/panes/family/send", ("Origin", "null")));
        Assert.NotEqual(HttpStatusCode.Forbidden, await PostAsync("api/panes/family/send", ("Origin", origin), ("Sec-Fetch-Site", "same-origin")));
        Assert.Single(sandbox.Emulator.UserTexts, t => t == "/help"); // only the page's own request reached a chat
    }

    [Fact]
    public async Task SandboxRestartedOnItsFolderKeepsTheFamilyAndItsCase()
    {
        await using (var first = await SandboxClient.StartAsync(_folder.Path))
        {
            using var page = new SandboxClient(first.PageUrl);
            await RegisterWithButtonsAsync(page);
        }

        await using var second = await SandboxClient.StartAsync(_folder.Path);
        using var again = new SandboxClient(second.PageUrl);
        await again.SendAsync("family", "/cases");

        // Same user id and update ids above the stored polling offset: the bot answers, in Korean, with the case.
        var cases = await again.WaitForBotMessageAsync("family", m => m.GetProperty("text").GetString()!.Contains("자녀", StringComparison.Ordinal));
        Assert.Contains("자녀", cases.GetProperty("text").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageRefusesForeignHostHeadersAndForgedButtons()
    {
        await using var sandbox = await SandboxClient.StartAsync(_folder.Path);
        using var page = new SandboxClient(sandbox.PageUrl);

        using var rebound = new HttpRequestMessage(HttpMethod.Get, "api/panes");
        rebound.Headers.Host = "attacker.example";
        using var reboundResponse = await page.Http.SendAsync(rebound);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, reboundResponse.StatusCode);

        await page.SendAsync("family", "/start");
        var menu = await page.WaitForBotMessageAsync("family", m => SandboxClient.Buttons(m).Any());
        using var forged = await page.Http.PostAsJsonAsync("api/panes/family/press", new { messageId = menu.GetProperty("id").GetInt32(), callbackData = "1.forged.0" });
        Assert.Equal(HttpStatusCode.Conflict, forged.StatusCode);

        using var wrongType = await page.Http.PostAsync("api/panes/family/send", new StringContent("text=/start"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        using var unknownPane = await page.Http.PostAsJsonAsync("api/panes/nobody/send", new { text = "/start" });
        Assert.Equal(HttpStatusCode.NotFound, unknownPane.StatusCode);
    }

    [Fact]
    public async Task PageAssetsShipInTheProgramAndLoadNothingFromElsewhere()
    {
        await using var sandbox = await SandboxClient.StartAsync(_folder.Path);
        using var page = new SandboxClient(sandbox.PageUrl);

        foreach (var path in new[] { "", "app.js", "app.css" })
        {
            using var response = await page.Http.GetAsync(path);
            response.EnsureSuccessStatusCode();
            Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.DoesNotContain("://", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var html = await page.Http.GetStringAsync("");
        Assert.Contains("aria-live", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write", await page.Http.GetStringAsync("app.js"));
    }

    [Fact]
    public async Task SampleFeedServesRssAndGrowsWhenAStoryIsPublished()
    {
        await using var sandbox = await SandboxClient.StartAsync(_folder.Path);
        using var page = new SandboxClient(sandbox.PageUrl);
        Assert.Equal(new Uri(sandbox.PageUrl, "sample-feed.xml").ToString(), sandbox.BotSettings["News:Feeds:0:Url"]);

        using var first = await page.Http.GetAsync("sample-feed.xml");
        var etag = first.Headers.ETag!;
        var before = await first.Content.ReadAsStringAsync();
        using var unchanged = new HttpRequestMessage(HttpMethod.Get, "sample-feed.xml");
        unchanged.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await page.Http.SendAsync(unchanged)).StatusCode);

        using var published = await page.Http.PostAsJsonAsync("api/feed/publish", new { });
        var story = (await published.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["title"].ToString()!;
        var after = await page.Http.GetStringAsync("sample-feed.xml");

        Assert.Equal(3, Regex.Count(before, "<item>"));
        Assert.Equal(4, Regex.Count(after, "<item>"));
        Assert.Contains(story, after, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://192.168.1.10:5080")]
    [InlineData("http://example.org:5080")]
    [InlineData("https://127.0.0.1:5080")]
    public void ListenUrlOffLoopbackIsRefused(string url)
    {
        var (_, _, error) = new SandboxOptions { ListenUrl = url }.ParseListenUrl();

        Assert.NotNull(error);
        Assert.Contains("Sandbox:ListenUrl", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoopbackOnlyHandlerRefusesTelegramBeforeAnythingIsSent()
    {
        var hosts = new ConcurrentQueue<string>();
        using var client = new HttpClient(new LoopbackOnlyHandler(hosts) { InnerHandler = new ThrowingHandler() });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("https://api.telegram.org/bot1:x/getMe")));
        Assert.Equal(["api.telegram.org"], hosts);
    }

    // Proves the request never reached the network stack.
    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The request was passed on.");
    }
}
