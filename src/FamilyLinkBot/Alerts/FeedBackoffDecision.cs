namespace FamilyLinkBot.Alerts;

/// <summary>
/// What to do after a poll: the health to store, when to poll next, and whether to tell admins that the feed
/// has failed for a day (once per outage) or has just recovered from such an outage.
/// </summary>
public sealed record FeedBackoffDecision(FeedHealth Health, DateTimeOffset NextPollAt, bool ShouldAlertAdmins, bool JustRecovered);
