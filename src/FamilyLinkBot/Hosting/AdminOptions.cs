namespace FamilyLinkBot.Hosting;

/// <summary>The <c>Admins</c> configuration section: Telegram user ids of the bot's admins (docs/DESIGN.md#1-who-it-serves-and-against-whom).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admins";

    public List<long> UserIds { get; } = [];
}
