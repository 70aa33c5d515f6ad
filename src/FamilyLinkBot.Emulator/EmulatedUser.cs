using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Testing;

/// <summary>
/// A Telegram user created by a <see cref="BotApiEmulator"/>. Their private chat with the bot
/// has the same id as the user, as on Telegram.
/// </summary>
public sealed record EmulatedUser(long Id, string FirstName, string? LastName, string? Username, string? LanguageCode)
{
    /// <summary>The id of the user's private chat with the bot (equal to <see cref="Id"/>).</summary>
    public long ChatId => Id;

    /// <summary>The user as the Bot API describes them in updates.</summary>
    public User ToUser() => new()
    {
        Id = Id,
        IsBot = false,
        FirstName = FirstName,
        LastName = LastName,
        Username = Username,
        LanguageCode = LanguageCode,
    };

    /// <summary>The user's private chat as the Bot API describes it.</summary>
    public Chat ToPrivateChat() => new()
    {
        Id = Id,
        Type = ChatType.Private,
        FirstName = FirstName,
        LastName = LastName,
        Username = Username,
    };

    // Names can be personal data; keep them out of test output.
    public override string ToString() => "EmulatedUser";
}
