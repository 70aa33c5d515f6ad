using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Privacy;

/// <summary>Reads and writes a chat's privacy choices (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications); the security phrase is encrypted and bound to the chat.</summary>
public static class PrivacySettings
{
    public const int PhraseLimit = 40;

    public static FieldContext PhraseField(string chatRef) => new("chats", "phrase", chatRef);

    public static async Task SetTimerAsync(UnitOfWork db, ChatRecord chat, TimeSpan? after, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE chats SET disappear_seconds = @seconds WHERE id = @id;")
            .With("@seconds", after is { } a ? (long)a.TotalSeconds : 0)
            .With("@id", chat.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        chat.DisappearAfter = after;
    }

    public static async Task SetDiscreetAsync(UnitOfWork db, ChatRecord chat, bool discreet, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE chats SET discreet = @discreet WHERE id = @id;")
            .With("@discreet", discreet ? 1 : 0)
            .With("@id", chat.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        chat.Discreet = discreet;
    }

    public static async Task SetPhraseAsync(UnitOfWork db, ChatRecord chat, string? phrase, CancellationToken cancellationToken)
    {
        var blob = phrase is null ? null : chat.Key.EncryptString(phrase, PhraseField(chat.Id));
        await using var command = db.Command("UPDATE chats SET phrase = @phrase WHERE id = @id;")
            .With("@phrase", blob)
            .With("@id", chat.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        chat.PhraseBlob = blob;
    }

    /// <summary>The family's phrase, or null when none is set.</summary>
    public static string? Phrase(ChatRecord chat) =>
        chat.PhraseBlob is { } blob ? chat.Key.DecryptString(blob, PhraseField(chat.Id)) : null;
}
