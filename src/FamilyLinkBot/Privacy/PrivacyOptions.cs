namespace FamilyLinkBot.Privacy;

/// <summary>The <c>Privacy</c> configuration section (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications).</summary>
public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>How often the disappearing-message sweeper looks for expired messages.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
