namespace FamilyLinkBot.Testing.Feeds;

/// <summary>A request <see cref="FeedServer"/> received: its path, conditional headers and the status it answered (0: none, the client gave up).</summary>
public sealed record FeedRequest(string Path, string? IfNoneMatch, string? IfModifiedSince, int Status);
