namespace FamilyLinkBot.Alerts;

/// <summary>A row of <c>feeds</c>: the feed, where it came from, and its polling state.</summary>
public sealed record FeedRecord
{
    public required long Id { get; init; }

    public required string Name { get; init; }

    public required string Url { get; init; }

    public string? Language { get; init; }

    /// <summary>True for feeds from News:Feeds, false for feeds added with /feeds add.</summary>
    public required bool FromConfig { get; init; }

    /// <summary>Whether a first successful fetch has recorded the feed's stories as seen (docs/DESIGN.md#7-news-alerts: no flood on add).</summary>
    public required bool Primed { get; init; }

    public FeedValidators? Validators { get; init; }

    public required FeedHealth Health { get; init; }

    public required DateTimeOffset NextPollAt { get; init; }

    public DateTimeOffset? LastPolledAt { get; init; }

    public string? LastResult { get; init; }

    public FeedSource Source => new(Name, Url, Language);
}
