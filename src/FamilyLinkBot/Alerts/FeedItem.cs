namespace FamilyLinkBot.Alerts;

/// <summary>
/// One story of a feed: its GUID or Atom id, absolute http(s) link, title as published (whitespace tidied),
/// summary as plain text (HTML tags stripped, entities decoded), and publication time when the feed gave a readable one.
/// </summary>
public sealed record FeedItem(string? Id, string? Link, string Title, string? Summary, DateTimeOffset? Published);
