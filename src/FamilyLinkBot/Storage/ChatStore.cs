using System.Globalization;
using System.Security.Cryptography;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Storage;

/// <summary>
/// The <c>chats</c> table, its privacy choices included (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications). Encryption happens here, at the
/// repository boundary: callers see Telegram ids and phrases, the table holds only a blind index and ciphertext bound to the row.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class ChatStore(KeyStore keys)
{
    public static FieldContext ChatIdField(string chatRef) => new("chats", "chat_id", chatRef);

    /// <summary>The chat's blind index (the key of its row, and of its lock on engines that share the database).</summary>
    public byte[] IndexOf(long telegramChatId) => keys.Index.ChatIndex(telegramChatId);

    public async Task<ChatRecord?> FindAsync(UnitOfWork db, long telegramChatId, CancellationToken cancellationToken)
    {
        var index = keys.Index.ChatIndex(telegramChatId);
        await using var command = db.Command(
                "SELECT id, data_key, language, active, disappear_seconds, discreet, phrase, chat_id FROM chats WHERE chat_index = @index;")
            .With("@index", index);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var id = reader.GetString(0);
        var key = await keys.UnwrapAsync(db, id, reader.GetBlobOrNull(1)!, cancellationToken);
        try
        {
            // The index alone is not trusted: someone who can write the database without the key could swap index values
            // between rows and act as another family. The row's own encrypted chat id must be the one looked up.
            var stored = key.DecryptString(reader.GetBlobOrNull(7)!, ChatIdField(id));
            if (!string.Equals(stored, telegramChatId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                throw new InvalidDataException("A chat row does not belong to the index it was found by: the database was altered.");
            }

            var chat = new ChatRecord
            {
                Id = id,
                ChatIndex = index,
                TelegramChatId = telegramChatId,
                Key = key,
                Language = LanguageCodes.Parse(reader.GetStringOrNull(2)),
                Active = reader.GetInt64(3) != 0,
            };
            ReadPrivacy(reader, 4, chat);
            return chat;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public async Task<ChatRecord> CreateAsync(UnitOfWork db, long telegramChatId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var index = keys.Index.ChatIndex(telegramChatId);
        var key = DataKey.Create(await keys.WriteRingAsync(db, cancellationToken), id, out var wrapped);
        try
        {
            var chatId = key.EncryptString(telegramChatId.ToString(CultureInfo.InvariantCulture), ChatIdField(id));
            await using var command = db.Command(
                    "INSERT INTO chats (id, chat_index, data_key, chat_id, created_at, last_seen_at) VALUES (@id, @index, @key, @chat, @now, @now);")
                .With("@id", id)
                .With("@index", index)
                .With("@key", wrapped)
                .With("@chat", chatId)
                .With("@now", now.ToUnixTimeSeconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new ChatRecord { Id = id, ChatIndex = index, TelegramChatId = telegramChatId, Key = key, IsNew = true };
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Loads a chat by its row id (for pushes), decrypting the Telegram chat id.</summary>
    public async Task<ChatRecord?> GetAsync(UnitOfWork db, string chatRef, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                "SELECT chat_index, data_key, chat_id, language, active, disappear_seconds, discreet, phrase FROM chats WHERE id = @id;")
            .With("@id", chatRef);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var key = await keys.UnwrapAsync(db, chatRef, reader.GetBlobOrNull(1)!, cancellationToken);
        try
        {
            var chatId = long.Parse(key.DecryptString(reader.GetBlobOrNull(2)!, ChatIdField(chatRef)), CultureInfo.InvariantCulture);
            var chat = new ChatRecord
            {
                Id = chatRef,
                ChatIndex = reader.GetBlobOrNull(0)!,
                TelegramChatId = chatId,
                Key = key,
                Language = LanguageCodes.Parse(reader.GetStringOrNull(3)),
                Active = reader.GetInt64(4) != 0,
            };
            ReadPrivacy(reader, 5, chat);
            return chat;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static void ReadPrivacy(System.Data.Common.DbDataReader reader, int first, ChatRecord chat)
    {
        var seconds = reader.GetInt64(first);
        chat.DisappearAfter = seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;
        chat.Discreet = reader.GetInt64(first + 1) != 0;
        chat.PhraseBlob = reader.GetBlobOrNull(first + 2);
    }

    public async Task TouchAsync(UnitOfWork db, ChatRecord chat, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE chats SET last_seen_at = @now, active = 1 WHERE id = @id;")
            .With("@now", now.ToUnixTimeSeconds())
            .With("@id", chat.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        chat.Active = true;
    }

    public async Task SetLanguageAsync(UnitOfWork db, ChatRecord chat, Language language, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE chats SET language = @language WHERE id = @id;")
            .With("@language", language.Code())
            .With("@id", chat.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        chat.Language = language;
    }

    public async Task SetActiveAsync(UnitOfWork db, string chatRef, bool active, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE chats SET active = @active WHERE id = @id;")
            .With("@active", active ? 1 : 0)
            .With("@id", chatRef);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static FieldContext PhraseField(string chatRef) => new("chats", "phrase", chatRef);

    /// <summary>The family's security phrase, or null when none is set.</summary>
    public static string? Phrase(ChatRecord chat) =>
        chat.PhraseBlob is { } blob ? chat.Key.DecryptString(blob, PhraseField(chat.Id)) : null;

    public async Task SetDisappearAfterAsync(UnitOfWork db, ChatRecord chat, TimeSpan? after, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE chats SET disappear_seconds = @seconds WHERE id = @id;")
            .With("@seconds", after is { } a ? (long)a.TotalSeconds : 0)
            .With("@id", chat.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        chat.DisappearAfter = after;
    }

    public async Task SetDiscreetAsync(UnitOfWork db, ChatRecord chat, bool discreet, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE chats SET discreet = @discreet WHERE id = @id;")
            .With("@discreet", discreet ? 1 : 0)
            .With("@id", chat.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        chat.Discreet = discreet;
    }

    public async Task SetPhraseAsync(UnitOfWork db, ChatRecord chat, string? phrase, CancellationToken cancellationToken)
    {
        var blob = phrase is null ? null : chat.Key.EncryptString(phrase, PhraseField(chat.Id));
        await using var command = db.Command("UPDATE chats SET phrase = @phrase WHERE id = @id;")
            .With("@phrase", blob)
            .With("@id", chat.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        chat.PhraseBlob = blob;
    }

    /// <summary>Whether the chat wants alerts about its own open cases' regions (docs/DESIGN.md#7-news-alerts).</summary>
    public async Task<bool> CaseAlertsAsync(UnitOfWork db, string chatRef, CancellationToken cancellationToken)
    {
        await using var flag = db.Command("SELECT case_alerts FROM chats WHERE id = @chat;").With("@chat", chatRef);
        return await flag.ExecuteScalarAsync(cancellationToken) is long value && value != 0;
    }

    public async Task SetCaseAlertsAsync(UnitOfWork db, string chatRef, bool on, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE chats SET case_alerts = @on WHERE id = @chat;").With("@on", on ? 1 : 0).With("@chat", chatRef);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
