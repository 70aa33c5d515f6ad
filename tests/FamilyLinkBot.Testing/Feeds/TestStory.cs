namespace FamilyLinkBot.Testing.Feeds;

// CA1720: "Guid" names the RSS <guid> element this fills, not the System.Guid type.
#pragma warning disable CA1720

/// <summary>A story served by <see cref="FeedServer"/> as an RSS item or Atom entry.</summary>
public sealed record TestStory(string Title, string Link, string? Guid = null, string? Summary = null, DateTimeOffset? Published = null);
