using System.Globalization;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>Which way a relayed message went (docs/DESIGN.md#44-relay).</summary>
public enum RelayDirection
{
    FromFamily = 0,
    FromCaseworker = 1,
}

/// <summary>One relayed message, decrypted.</summary>
public sealed record RelayMessage(long Id, string CaseId, RelayDirection Direction, string Text, DateTimeOffset At);

/// <summary>
/// The <c>relay_messages</c> table: relayed text encrypted with the family's data key, bound to its row, so it is
/// crypto-shredded with the family and unreadable in another row or column.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class RelayMessageStore
{
    /// <summary>docs/DESIGN.md#44-relay: text only, at most 3,000 characters (counted as Telegram counts, in UTF-16 units).</summary>
    public const int Limit = 3000;

    public static FieldContext TextField(long id) => new("relay_messages", "text", id.ToString(CultureInfo.InvariantCulture));

    public async Task<long> AddAsync(
        UnitOfWork db, DataKey familyKey, string caseId, RelayDirection direction, string text, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long id;
        await using (var insert = db.Command(
                $"INSERT INTO relay_messages (case_ref, direction, text, created_at) VALUES (@case, @direction, {db.Dialect.EmptyBlob}, @now) RETURNING id;")
            .With("@case", caseId)
            .With("@direction", (int)direction)
            .With("@now", now.ToUnixTimeSeconds()))
        {
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        await using var update = db.Command("UPDATE relay_messages SET text = @text WHERE id = @id;")
            .With("@text", familyKey.EncryptString(text, TextField(id)))
            .With("@id", id);
        await update.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    /// <summary>The case's messages, oldest first (the newest <paramref name="limit"/>).</summary>
    public async Task<List<RelayMessage>> ListAsync(UnitOfWork db, DataKey familyKey, string caseId, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                "SELECT id, direction, text, created_at FROM relay_messages WHERE case_ref = @case ORDER BY id DESC LIMIT @limit;")
            .With("@case", caseId)
            .With("@limit", limit);
        var list = new List<RelayMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader, caseId, familyKey));
        }

        list.Reverse();
        return list;
    }

    /// <summary>One message of one of the family's own cases; null if it is not theirs or no longer exists.</summary>
    public async Task<RelayMessage?> GetForFamilyAsync(UnitOfWork db, ChatRecord family, long id, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                "SELECT r.id, r.direction, r.text, r.created_at, r.case_ref FROM relay_messages r JOIN cases c ON c.id = r.case_ref " +
                "WHERE r.id = @id AND c.chat_ref = @chat;")
            .With("@id", id)
            .With("@chat", family.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, reader.GetString(4), family.Key) : null;
    }

    private static RelayMessage Read(System.Data.Common.DbDataReader reader, string caseId, DataKey key)
    {
        var id = reader.GetInt64(0);
        return new RelayMessage(
            id,
            caseId,
            (RelayDirection)reader.GetInt32(1),
            key.DecryptString(reader.GetBlobOrNull(2)!, TextField(id)),
            DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(3)));
    }
}
