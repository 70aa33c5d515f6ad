using FamilyLinkBot.Crypto;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Storage;

/// <summary>A private chat as the bot knows it, with its data key unwrapped for the duration of one turn.</summary>
public sealed class ChatRecord : IDisposable
{
    public required string Id { get; init; }

    public required byte[] ChatIndex { get; init; }

    public required long TelegramChatId { get; init; }

    public required DataKey Key { get; init; }

    public Language? Language { get; set; }

    public bool Active { get; set; } = true;

    public bool IsNew { get; init; }

    /// <summary>How long sensitive messages stay in the chat (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications); null = the timer is off.</summary>
    public TimeSpan? DisappearAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Discreet notifications: pushes say only that there is an update.</summary>
    public bool Discreet { get; set; } = true;

    /// <summary>The family's security phrase, encrypted; null until set.</summary>
    public byte[]? PhraseBlob { get; set; }

    /// <summary>The short log pseudonym of docs/DESIGN.md#2-data-classification.</summary>
    public string Pseudonym => Crypto.Pseudonym.Of(ChatIndex);

    public void Dispose() => Key.Dispose();
}
