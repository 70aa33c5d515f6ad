using FamilyLinkBot.Alerts;
using Microsoft.Extensions.Configuration;

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

    [Fact]
    public void FeedWithOnlyNameAndUrlIsBoundWithoutLanguage()
    {
        var configuration = Configuration(new() { ["News:Feeds:0:Name"] = "Yonhap", ["News:Feeds:0:Url"] = "https://news.example/rss" });

        var options = configuration.GetSection(NewsOptions.SectionName).Get<NewsOptions>()!;

        var feed = Assert.Single(options.Feeds);
        Assert.Equal(("Yonhap", "https://news.example/rss", (string?)null), (feed.Name, feed.Url, feed.Language));
        Assert.True(new NewsOptionsValidator(configuration).Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("News:Feeds:0", "https://news.example/rss", "News:Feeds:0 must be a feed with Name and Url")]
    [InlineData("News:Feeds:0:Name", "Yonhap", "News:Feeds:0:Url must be an absolute http or https URL.")]
    [InlineData("News:Feeds:0:Url", "https://news.example/rss", "News:Feeds:0:Name is required.")]
    [InlineData("News:Feeds:0:Lang", "ko", "News:Feeds:0:Lang is not a feed setting")]
    public void UnusableFeedEntryFailsNamingIt(string key, string value, string problem)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key == "News:Feeds:0:Lang")
        {
            settings["News:Feeds:0:Name"] = "Yonhap";
            settings["News:Feeds:0:Url"] = "https://news.example/rss";
        }

        var configuration = Configuration(settings);
        var options = configuration.GetSection(NewsOptions.SectionName).Get<NewsOptions>() ?? new NewsOptions();

        var result = new NewsOptionsValidator(configuration).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(problem, StringComparison.Ordinal));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
