using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Testing;

/// <summary>A group chat created by a <see cref="BotApiEmulator"/> (a supergroup, id -100…).</summary>
public sealed record EmulatedChat(long Id, ChatType Type, string Title, string? Username = null)
{
    /// <summary>The chat as the Bot API describes it.</summary>
    public Chat ToChat() => new() { Id = Id, Type = Type, Title = Title, Username = Username };
}
