namespace FamilyLinkBot.Alerts;

/// <summary>
/// A news feed to poll (docs/DESIGN.md#7-news-alerts): from News:Feeds or added with /feeds. Language is an optional hint (ko, en, zh):
/// its default lets the configuration binder build an entry that has only Name and Url.
/// </summary>
public sealed record FeedSource(string Name, string Url, string? Language = null);
