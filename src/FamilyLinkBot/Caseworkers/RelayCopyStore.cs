using System.Globalization;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>A family message relayed to a caseworker: the case, and the case's token hash when it was relayed.</summary>
public sealed record RelayCopy(long OutboxId, string CaseId, byte[] TokenHash);

/// <summary>
/// The <c>relay_copies</c> table: for each family message relayed to a caseworker, the case it belongs to, so the
/// caseworker can answer it with Telegram's reply or its Reply button (docs/DESIGN.md#44-relay). The row is keyed by the outbox item
/// that carries the copy; Telegram's message id is recorded when the outbox settles it as sent, and a reply is matched through it.
/// The case id (with the case's token hash at the time, so a new token ends answers to older copies) is encrypted with
/// the caseworker's chat key and bound to the row; rows expire like the copy itself.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class RelayCopyStore
{
    /// <summary>A copy kept in the chat (timer off) can be answered for a week: sent outbox rows are purged after that.</summary>
    public static readonly TimeSpan AnswerableFor = TimeSpan.FromDays(7);

    public static FieldContext CaseField(long outboxId) => new("relay_copies", "case_ref", outboxId.ToString(CultureInfo.InvariantCulture));

    public async Task AddAsync(
        UnitOfWork db, ChatRecord caseworker, long outboxId, string caseId, byte[] tokenHash, int? copyLifetimeSeconds, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // The copy's own lifetime (the family's timer) or, when it does not disappear, as long as it can be answered.
        var lifetime = copyLifetimeSeconds is { } seconds && TimeSpan.FromSeconds(seconds) < AnswerableFor ? TimeSpan.FromSeconds(seconds) : AnswerableFor;
        var plain = caseId + "\n" + Convert.ToBase64String(tokenHash);
        await using var command = db.Command(
                """
                INSERT INTO relay_copies (outbox_id, chat_ref, case_ref, expires_at) VALUES (@outbox, @chat, @case, @expires);
                """)
            .With("@outbox", outboxId)
            .With("@chat", caseworker.Id)
            .With("@case", caseworker.Key.EncryptString(plain, CaseField(outboxId)))
            .With("@expires", now.Add(lifetime).ToUnixTimeSeconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records the Telegram message id a copy became (called as its outbox row settles as sent).</summary>
    public async Task RecordMessageAsync(UnitOfWork db, long outboxId, string chatRef, int messageId, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE relay_copies SET message_id = @message WHERE outbox_id = @outbox AND chat_ref = @chat;")
            .With("@message", messageId)
            .With("@outbox", outboxId)
            .With("@chat", chatRef);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The copy that is Telegram message <paramref name="messageId"/> in this chat; null if there is none (any more).</summary>
    public Task<RelayCopy?> FindByMessageAsync(
        UnitOfWork db, ChatRecord caseworker, int messageId, DateTimeOffset now, CancellationToken cancellationToken) =>
        FindAsync(
            db,
            caseworker,
            """
            SELECT outbox_id, case_ref FROM relay_copies
            WHERE chat_ref = @chat AND message_id = @key AND expires_at > @now;
            """,
            messageId,
            now,
            cancellationToken);

    /// <summary>The copy carried by outbox item <paramref name="outboxId"/> in this chat (its Reply button); null if expired.</summary>
    public Task<RelayCopy?> FindByOutboxAsync(
        UnitOfWork db, ChatRecord caseworker, long outboxId, DateTimeOffset now, CancellationToken cancellationToken) =>
        FindAsync(
            db,
            caseworker,
            "SELECT outbox_id, case_ref FROM relay_copies WHERE outbox_id = @key AND chat_ref = @chat AND expires_at > @now;",
            outboxId,
            now,
            cancellationToken);

    /// <summary>
    /// The copies in this chat whose Telegram message id is not recorded yet: Telegram has the message a moment before
    /// the outbox records its id, and a quick reply can fall in between.
    /// </summary>
    public async Task<List<RelayCopy>> UnrecordedAsync(UnitOfWork db, ChatRecord caseworker, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using (var command = db.Command(
                """
                SELECT outbox_id FROM relay_copies
                WHERE chat_ref = @chat AND message_id IS NULL AND expires_at > @now ORDER BY outbox_id;
                """)
            .With("@chat", caseworker.Id)
            .With("@now", now.ToUnixTimeSeconds()))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        var copies = new List<RelayCopy>(ids.Count);
        foreach (var id in ids)
        {
            if (await FindByOutboxAsync(db, caseworker, id, now, cancellationToken) is { } copy)
            {
                copies.Add(copy);
            }
        }

        return copies;
    }

    /// <summary>Drops the rows whose copy can no longer be answered.</summary>
    public async Task<int> PurgeExpiredAsync(UnitOfWork db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command("DELETE FROM relay_copies WHERE expires_at <= @now;").With("@now", now.ToUnixTimeSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<RelayCopy?> FindAsync(
        UnitOfWork db, ChatRecord caseworker, string sql, long key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command(sql)
            .With("@chat", caseworker.Id)
            .With("@key", key)
            .With("@now", now.ToUnixTimeSeconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var outboxId = reader.GetInt64(0);
        var plain = caseworker.Key.DecryptString(reader.GetBlobOrNull(1)!, CaseField(outboxId));
        var newline = plain.IndexOf('\n', StringComparison.Ordinal);
        return new RelayCopy(outboxId, plain[..newline], Convert.FromBase64String(plain[(newline + 1)..]));
    }
}
