using FamilyLinkBot.Alerts;

namespace FamilyLinkBot.Tests.Alerts;

public sealed class NewsOptionsTests
{
    [Fact]
    public void DefaultsFollowTheSpec()
    {
        var options = new NewsOptions();

        Assert.Equal(TimeSpan.FromMinutes(10), options.PollInterval);
        Assert.True(options.RequireApproval);
        Assert.Equal(TimeSpan.FromSeconds(20), options.FetchTimeout);
        Assert.Equal(2_000_000, options.MaxFeedBytes);
        Assert.Null(options.RulesPath);
        Assert.Empty(options.Feeds);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void InvalidOptionsNameTheirKeys()
    {
        var options = new NewsOptions
        {
            PollInterval = TimeSpan.FromSeconds(5),
            FetchTimeout = TimeSpan.Zero,
            MaxFeedBytes = 10,
            Feeds = [new FeedSource("ok", "https://news.example/rss", "ko"), new FeedSource("", "file:///etc/passwd", "ja")],
        };

        var problems = options.Validate();

        Assert.Collection(
            problems,
            p => Assert.StartsWith("News:PollInterval", p, StringComparison.Ordinal),
            p => Assert.StartsWith("News:FetchTimeout", p, StringComparison.Ordinal),
            p => Assert.StartsWith("News:MaxFeedBytes", p, StringComparison.Ordinal),
            p => Assert.StartsWith("News:Feeds:1:Name", p, StringComparison.Ordinal),
            p => Assert.StartsWith("News:Feeds:1:Url", p, StringComparison.Ordinal),
            p => Assert.StartsWith("News:Feeds:1:Language", p, StringComparison.Ordinal));
    }
}
