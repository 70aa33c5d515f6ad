namespace FamilyLinkBot.Alerts;

/// <summary>A news feed to poll (SPEC §7): from News:Feeds or added with /feeds. Language is a hint (ko, en, zh).</summary>
public sealed record FeedSource(string Name, string Url, string? Language);
