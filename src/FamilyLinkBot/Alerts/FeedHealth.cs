namespace FamilyLinkBot.Alerts;

/// <summary>
/// A feed's failure state, as the caller stores it between polls: consecutive failures, when the current run of
/// failures began, and whether admins were told about it.
/// </summary>
public sealed record FeedHealth(int ConsecutiveFailures, DateTimeOffset? FirstFailureAt, bool AdminsAlerted)
{
    public static FeedHealth Healthy { get; } = new(0, null, false);
}
