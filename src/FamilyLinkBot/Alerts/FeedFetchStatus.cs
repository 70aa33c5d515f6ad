namespace FamilyLinkBot.Alerts;

public enum FeedFetchStatus
{
    Ok,
    NotModified,
    Failed,
}
