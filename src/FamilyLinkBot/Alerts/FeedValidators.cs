namespace FamilyLinkBot.Alerts;

/// <summary>HTTP cache validators a feed sent (ETag, Last-Modified, verbatim), echoed on the next conditional GET.</summary>
public sealed record FeedValidators(string? ETag, string? LastModified)
{
    public bool IsEmpty => string.IsNullOrEmpty(ETag) && string.IsNullOrEmpty(LastModified);
}
