namespace FamilyLinkBot.Hosting;

/// <summary>The <c>Admins</c> configuration section: Telegram user ids of the bot's admins (SPEC §1).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admins";

    public List<long> UserIds { get; } = [];
}
