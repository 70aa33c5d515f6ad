namespace FamilyLinkBot.Caseworkers;

/// <summary>The <c>Caseworkers</c> configuration section (docs/DESIGN.md#43-caseworkers).</summary>
public sealed class CaseworkerOptions
{
    public const string Section = "Caseworkers";

    /// <summary>Case-token and invite-code look-ups allowed per user per minute; more answer "not found".</summary>
    public int TokenLookupsPerMinute { get; set; } = 10;

    /// <summary>How long an invite code from /invite stays valid.</summary>
    public TimeSpan InviteValidity { get; set; } = TimeSpan.FromHours(48);
}
