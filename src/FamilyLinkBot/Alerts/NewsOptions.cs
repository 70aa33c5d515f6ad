namespace FamilyLinkBot.Alerts;

/// <summary>The "News" configuration section (docs/DESIGN.md#7-news-alerts, docs/DESIGN.md#9-running-it).</summary>
public sealed class NewsOptions
{
    public const string SectionName = "News";

    public List<FeedSource> Feeds { get; set; } = [];

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Matched items wait in /review when true; go out at once when false.</summary>
    public bool RequireApproval { get; set; } = true;

    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A feed body longer than this is abandoned as "too large" (it is never buffered whole).</summary>
    public int MaxFeedBytes { get; set; } = 2_000_000;

    /// <summary>Whether feeds on loopback, private or link-local addresses may be fetched (off: SSRF; the sandbox turns it on).</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>A matching rules file replacing the built-in one; empty for the built-in rules.</summary>
    public string? RulesPath { get; set; }

    /// <summary>What is wrong with these options, each message naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (PollInterval < TimeSpan.FromMinutes(1))
        {
            problems.Add("News:PollInterval must be at least 00:01:00.");
        }

        if (FetchTimeout <= TimeSpan.Zero || FetchTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add("News:FetchTimeout must be between 00:00:00 (exclusive) and 00:05:00.");
        }

        if (MaxFeedBytes < 1_000 || MaxFeedBytes > 100_000_000)
        {
            problems.Add("News:MaxFeedBytes must be between 1000 and 100000000.");
        }

        for (var i = 0; i < Feeds.Count; i++)
        {
            var feed = Feeds[i];
            if (feed is null || string.IsNullOrWhiteSpace(feed.Name))
            {
                problems.Add($"News:Feeds:{i}:Name is required.");
            }

            if (feed is null || !Uri.TryCreate(feed.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                problems.Add($"News:Feeds:{i}:Url must be an absolute http or https URL.");
            }

            if (feed?.Language is { Length: > 0 } language && !MatchingRules.Languages.Contains(language))
            {
                problems.Add($"News:Feeds:{i}:Language must be one of {string.Join(", ", MatchingRules.Languages)} or empty.");
            }
        }

        return problems;
    }
}
