using System.Globalization;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// The <c>broadcasts</c> table and the writing of its recipients into the outbox. Recipients are read from
/// <c>chats</c> in keyset-ordered pages straight into outbox rows (INSERT … SELECT), together with the cursor in
/// one transaction: no list of recipients is ever held in memory, and each recipient gets exactly one row.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class BroadcastStore(SystemKey systemKey, OutboxStore outbox, IEnumerable<IAudienceQuery> queries)
{
    public const int TextLimit = 3500;

    private readonly Dictionary<AudienceKind, string> _conditions = BuildConditions(queries);

    public static FieldContext TextField(long broadcastId) =>
        new("broadcasts", "text", broadcastId.ToString(CultureInfo.InvariantCulture));

    public async Task<long> CountAsync(UnitOfWork db, Audience audience, CancellationToken cancellationToken)
    {
        await using var command = db.Command($"SELECT COUNT(*) FROM chats AS c WHERE c.active = 1 AND ({_conditions[audience.Kind]});")
            .With("@value", audience.Value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Creates a running broadcast; its recipients are written to the outbox by <see cref="BroadcastRunner"/>.</summary>
    public async Task<long> CreateAsync(
        UnitOfWork db, string text, Audience audience, string? adminChatRef, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var total = await CountAsync(db, audience, cancellationToken);
        long id;
        await using (var insert = db.Command(
                $"INSERT INTO broadcasts (text, audience, created_by, total, created_at) VALUES ({db.Dialect.EmptyBlob}, @audience, @admin, @total, @now) RETURNING id;")
            .With("@audience", audience.ToString())
            .With("@admin", adminChatRef)
            .With("@total", total)
            .With("@now", now.ToUnixTimeMilliseconds()))
        {
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        var key = await systemKey.GetAsync(db, cancellationToken);
        await using var update = db.Command("UPDATE broadcasts SET text = @text WHERE id = @id;")
            .With("@text", key.EncryptString(text, TextField(id)))
            .With("@id", id);
        await update.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    public async Task<string?> TextAsync(UnitOfWork db, long broadcastId, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT text FROM broadcasts WHERE id = @id;").With("@id", broadcastId);
        if (await command.ExecuteScalarAsync(cancellationToken) is not byte[] blob)
        {
            return null;
        }

        var key = await systemKey.GetAsync(db, cancellationToken);
        return key.DecryptString(blob, TextField(broadcastId));
    }

    /// <summary>Writes the next page of recipients to the outbox and moves the cursor; returns how many.</summary>
    public async Task<int> WriteNextPageAsync(UnitOfWork db, BroadcastInfo broadcast, int pageSize, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var condition = _conditions[broadcast.Audience.Kind];
        var page = $"SELECT c.id FROM chats AS c WHERE c.active = 1 AND c.id > @cursor AND ({condition}) ORDER BY c.id LIMIT @limit";
        string? last;
        await using (var max = db.Command($"SELECT MAX(id) FROM ({page}) AS page;")
            .With("@cursor", broadcast.Cursor).With("@value", broadcast.Audience.Value).With("@limit", pageSize))
        {
            last = await max.ExecuteScalarAsync(cancellationToken) as string;
        }

        if (last is null)
        {
            await using var done = db.Command("UPDATE broadcasts SET exhausted = 1 WHERE id = @id;").With("@id", broadcast.Id);
            await done.ExecuteNonQueryAsync(cancellationToken);
            return 0;
        }

        var written = await outbox.EnqueueBroadcastAsync(
            db, broadcast.Id, page, [("@cursor", broadcast.Cursor), ("@value", broadcast.Audience.Value), ("@limit", pageSize)], now, cancellationToken);

        await using var move = db.Command("UPDATE broadcasts SET cursor = @cursor, exhausted = @exhausted WHERE id = @id;")
            .With("@cursor", last).With("@exhausted", written < pageSize ? 1 : 0).With("@id", broadcast.Id);
        await move.ExecuteNonQueryAsync(cancellationToken);
        return written;
    }

    public async Task<BroadcastInfo?> GetAsync(UnitOfWork db, long broadcastId, CancellationToken cancellationToken)
    {
        var list = await ReadAsync(db, "WHERE id = @id", broadcastId, cancellationToken);
        return list.Count == 0 ? null : list[0];
    }

    public Task<List<BroadcastInfo>> RunningAsync(UnitOfWork db, CancellationToken cancellationToken) =>
        ReadAsync(db, "WHERE state = 0 ORDER BY id", null, cancellationToken);

    public Task<List<BroadcastInfo>> RecentAsync(UnitOfWork db, int count, CancellationToken cancellationToken) =>
        ReadAsync(db, "ORDER BY id DESC LIMIT " + count.ToString(CultureInfo.InvariantCulture), null, cancellationToken);

    /// <summary>Sent, failed and pending counts of a broadcast so far, from its outbox rows.</summary>
    public async Task<BroadcastCounts> CountsAsync(UnitOfWork db, BroadcastInfo broadcast, CancellationToken cancellationToken)
    {
        if (broadcast.State != BroadcastState.Running)
        {
            return new BroadcastCounts(broadcast.Sent, broadcast.Failed, 0);
        }

        var counts = await outbox.CountBroadcastAsync(db, broadcast.Id, cancellationToken);
        return new BroadcastCounts(
            counts.GetValueOrDefault(OutboxState.Sent), counts.GetValueOrDefault(OutboxState.Failed), counts.GetValueOrDefault(OutboxState.Pending));
    }

    /// <summary>Ends a broadcast (done or cancelled): pending rows are cancelled and the final counts kept.</summary>
    public async Task<bool> FinishAsync(UnitOfWork db, long broadcastId, BroadcastState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await outbox.CancelBroadcastAsync(db, broadcastId, cancellationToken);
        var counts = await outbox.CountBroadcastAsync(db, broadcastId, cancellationToken);
        await using var finish = db.Command("""
            UPDATE broadcasts SET state = @state, finished_at = @now, sent = @sent, failed = @failed
            WHERE id = @id AND state = @running;
            """)
            .With("@state", (int)state)
            .With("@now", now.ToUnixTimeMilliseconds())
            .With("@sent", counts.GetValueOrDefault(OutboxState.Sent))
            .With("@failed", counts.GetValueOrDefault(OutboxState.Failed))
            .With("@id", broadcastId)
            .With("@running", (int)BroadcastState.Running);
        var finished = await finish.ExecuteNonQueryAsync(cancellationToken) == 1;
        await outbox.ForgetBroadcastAsync(db, broadcastId, cancellationToken);
        return finished;
    }

    public async Task SetProgressItemAsync(UnitOfWork db, long broadcastId, string column, long itemId, CancellationToken cancellationToken)
    {
        var sql = column switch
        {
            "progress_item" => "UPDATE broadcasts SET progress_item = @item WHERE id = @id;",
            "last_edit_item" => "UPDATE broadcasts SET last_edit_item = @item WHERE id = @id;",
            _ => throw new ArgumentOutOfRangeException(nameof(column)),
        };
        await using var command = db.Command(sql).With("@item", itemId).With("@id", broadcastId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<List<BroadcastInfo>> ReadAsync(UnitOfWork db, string tail, long? id, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
            "SELECT id, audience, state, created_by, cursor, exhausted, total, sent, failed, progress_item, last_edit_item, created_at FROM broadcasts " + tail + ";");
        if (id is not null)
        {
            command.With("@id", id);
        }

        var list = new List<BroadcastInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new BroadcastInfo
            {
                Id = reader.GetInt64(0),
                Audience = Audience.TryParse(reader.GetString(1), out var audience) ? audience : Audience.All,
                State = (BroadcastState)reader.GetInt64(2),
                CreatedBy = reader.GetStringOrNull(3),
                Cursor = reader.GetString(4),
                Exhausted = reader.GetInt64(5) != 0,
                Total = reader.GetInt64(6),
                Sent = reader.GetInt64(7),
                Failed = reader.GetInt64(8),
                ProgressItem = reader.IsDBNull(9) ? null : reader.GetInt64(9),
                LastEditItem = reader.IsDBNull(10) ? null : reader.GetInt64(10),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
            });
        }

        return list;
    }

    private static Dictionary<AudienceKind, string> BuildConditions(IEnumerable<IAudienceQuery> queries)
    {
        var conditions = new Dictionary<AudienceKind, string>
        {
            [AudienceKind.All] = "1 = 1",
            [AudienceKind.Language] = "c.language = @value",
            [AudienceKind.Topic] = "1 = 0",
            [AudienceKind.Region] = "1 = 0",
        };
        foreach (var query in queries)
        {
            conditions[query.Kind] = query.Condition;
        }

        return conditions;
    }
}

public enum BroadcastState
{
    Running = 0,
    Done = 1,
    Cancelled = 2,
}

public sealed record BroadcastInfo
{
    public required long Id { get; init; }

    public required Audience Audience { get; init; }

    public required BroadcastState State { get; init; }

    public string? CreatedBy { get; init; }

    public required string Cursor { get; init; }

    public bool Exhausted { get; init; }

    public long Total { get; init; }

    public long Sent { get; init; }

    public long Failed { get; init; }

    public long? ProgressItem { get; init; }

    public long? LastEditItem { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

public sealed record BroadcastCounts(long Sent, long Failed, long Pending);
