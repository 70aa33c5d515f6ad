using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Privacy;

/// <summary>
/// The <c>tracked_messages</c> table: every message in a family's chat that the bot may still delete,
/// for the disappearing timer and /panic (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications). Telegram lets a bot delete messages for 48 hours.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class TrackedMessageStore
{
    /// <summary>Telegram deletes only messages younger than 48 h; aim for 47 h to keep a margin.</summary>
    public static readonly TimeSpan LatestExpiry = TimeSpan.FromHours(47);

    public static readonly TimeSpan DeletableFor = TimeSpan.FromHours(48);

    public async Task TrackAsync(UnitOfWork db, string chatRef, int messageId, DateTimeOffset sentAt, int? disappearAfterSeconds, CancellationToken cancellationToken)
    {
        long? expires = disappearAfterSeconds is { } seconds
            ? sentAt.Add(TimeSpan.FromSeconds(Math.Min(seconds, LatestExpiry.TotalSeconds))).ToUnixTimeSeconds()
            : null;
        await using var command = db.Command(
                // The chat may have been erased (/forget) while its message was on the way: then there is nothing to track.
                "INSERT INTO tracked_messages (chat_ref, message_id, sent_at, expires_at) " +
                "SELECT @chat, @message, @sent, @expires WHERE EXISTS (SELECT 1 FROM chats WHERE id = @chat) " +
                "ON CONFLICT (chat_ref, message_id) DO UPDATE SET expires_at = excluded.expires_at;")
            .With("@chat", chatRef)
            .With("@message", messageId)
            .With("@sent", sentAt.ToUnixTimeSeconds())
            .With("@expires", expires);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The chat's messages that Telegram still lets the bot delete.</summary>
    /// <summary>Whether the bot's message <paramref name="messageId"/> in this chat is already recorded (its send has settled).</summary>
    public async Task<bool> IsTrackedAsync(UnitOfWork db, string chatRef, int messageId, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT EXISTS (SELECT 1 FROM tracked_messages WHERE chat_ref = @chat AND message_id = @message);")
            .With("@chat", chatRef)
            .With("@message", messageId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != 0;
    }

    public async Task<List<int>> DeletableAsync(UnitOfWork db, string chatRef, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT message_id FROM tracked_messages WHERE chat_ref = @chat AND sent_at > @since ORDER BY message_id;")
            .With("@chat", chatRef)
            .With("@since", now.Subtract(DeletableFor).ToUnixTimeSeconds());
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    /// <summary>Expired messages, grouped by chat, at most <paramref name="limit"/> in all.</summary>
    public async Task<Dictionary<string, List<int>>> DueAsync(UnitOfWork db, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                "SELECT chat_ref, message_id FROM tracked_messages WHERE expires_at IS NOT NULL AND expires_at <= @now ORDER BY expires_at LIMIT @limit;")
            .With("@now", now.ToUnixTimeSeconds())
            .With("@limit", limit);
        var due = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var chat = reader.GetString(0);
            if (!due.TryGetValue(chat, out var ids))
            {
                due[chat] = ids = [];
            }

            ids.Add(reader.GetInt32(1));
        }

        return due;
    }

    public async Task RemoveAsync(UnitOfWork db, string chatRef, IEnumerable<int> messageIds, CancellationToken cancellationToken)
    {
        foreach (var id in messageIds)
        {
            await using var command = db.Command("DELETE FROM tracked_messages WHERE chat_ref = @chat AND message_id = @message;")
                .With("@chat", chatRef)
                .With("@message", id);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Forgets messages past Telegram's deletion window: nothing can be done about them any more.</summary>
    public async Task<int> PurgeUndeletableAsync(UnitOfWork db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command("DELETE FROM tracked_messages WHERE sent_at <= @since;")
            .With("@since", now.Subtract(DeletableFor).ToUnixTimeSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
