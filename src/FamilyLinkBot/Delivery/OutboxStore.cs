using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// The one owner of the <c>outbox</c> table and of /panic's marks on it (docs/DESIGN.md#8-delivery): every statement on them is here.
/// Features enqueue through it inside their own transaction; the dispatcher claims, settles and purges through it.
/// The payload (text and buttons) is encrypted with the recipient chat's data key. A row is claimed before it is sent
/// (a lease of <see cref="ClaimLease"/>), so another process cannot send it too. A row that settles is deleted at
/// once, unless a running broadcast still needs it, and then it keeps no recipient: a database read without the key
/// cannot tell who received what (docs/DESIGN.md#2-data-classification). Delivery statistics are hourly counts that name nobody.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class OutboxStore
{
    /// <summary>
    /// How long a claim holds. Longer than a request can take (the HTTP client gives up after 90 s) plus the time to
    /// record its outcome, so a claim lapses only when its process died; then the row is sent again.
    /// </summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(3);

    private static readonly string Pending = Code(OutboxState.Pending);
    private static readonly string Cancelled = Code(OutboxState.Cancelled);
    private static readonly string Sent = Code(OutboxState.Sent);
    private static readonly string Failed = Code(OutboxState.Failed);
    private static readonly string Running = ((int)BroadcastState.Running).ToString(CultureInfo.InvariantCulture);

    // A settled row forgets whom it was for and what it said.
    private static string Forget(UnitOfWork db) =>
        $"chat_ref = NULL, source_ref = NULL, payload = {db.Dialect.EmptyBlob}, claimed_by = NULL, claimed_until = NULL";

    // Rows a running broadcast still needs once settled: its recipients' (counted until it ends) and its progress
    // message's (edited later, by its Telegram message id). Every other settled row is deleted at once.
    private static readonly string Needed =
        "(broadcast_id IS NOT NULL OR id IN (SELECT progress_item FROM broadcasts WHERE progress_item IS NOT NULL " +
        "UNION SELECT last_edit_item FROM broadcasts WHERE last_edit_item IS NOT NULL))";

    private const long Hour = 3_600_000;

    public static FieldContext PayloadField(long itemId) =>
        new("outbox", "payload", itemId.ToString(CultureInfo.InvariantCulture));

    public static OutgoingMessage Decrypt(DataKey key, long itemId, byte[] payload) =>
        JsonSerializer.Deserialize(key.Decrypt(payload, PayloadField(itemId)), SessionJson.Default.OutgoingMessage)
        ?? throw new InvalidDataException("An outbox payload decrypted to nothing.");

    // ---- Enqueueing (inside the caller's transaction) ----

    public Task<long> EnqueueAsync(
        UnitOfWork db, ChatRecord chat, Lane lane, OutgoingMessage message, DateTimeOffset now, CancellationToken cancellationToken) =>
        InsertAsync(db, chat, lane, message, null, now, cancellationToken);

    /// <summary>A family's words relayed to a caseworker: erasing the family (/forget) deletes the row while it is still queued.</summary>
    public Task<long> EnqueueRelayedAsync(
        UnitOfWork db, ChatRecord caseworker, string familyRef, OutgoingMessage message, DateTimeOffset now, CancellationToken cancellationToken) =>
        InsertAsync(db, caseworker, Lane.Notice, message, familyRef, now, cancellationToken);

    /// <summary>
    /// One Bulk row per chat that <paramref name="recipients"/> (a SELECT of chat ids) returns, for a broadcast whose
    /// text is read when sending; returns how many rows were written.
    /// </summary>
    public async Task<int> EnqueueBroadcastAsync(
        UnitOfWork db,
        long broadcastId,
        string recipients,
        IEnumerable<(string Name, object? Value)> parameters,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var insert = db.Command(
                $"""
                INSERT INTO outbox (chat_ref, lane, payload, not_before, created_at, broadcast_id)
                SELECT id, @lane, {db.Dialect.EmptyBlob}, @now, @now, @broadcast FROM ({recipients}) AS recipients;
                """)
            .With("@lane", (int)Lane.Bulk).With("@now", now.ToUnixTimeMilliseconds()).With("@broadcast", broadcastId);
        foreach (var (name, value) in parameters)
        {
            insert.With(name, value);
        }

        return await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<long> InsertAsync(
        UnitOfWork db, ChatRecord chat, Lane lane, OutgoingMessage message, string? sourceRef, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long id;
        await using (var insert = db.Command(
                $"""
                INSERT INTO outbox (chat_ref, source_ref, lane, payload, not_before, created_at)
                VALUES (@chat, @source, @lane, {db.Dialect.EmptyBlob}, @now, @now) RETURNING id;
                """)
            .With("@chat", chat.Id)
            .With("@source", sourceRef)
            .With("@lane", (int)lane)
            .With("@now", now.ToUnixTimeMilliseconds()))
        {
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        // The row id is bound into the payload's associated data, so the payload is written once the id is known.
        var json = JsonSerializer.SerializeToUtf8Bytes(message, SessionJson.Default.OutgoingMessage);
        await using var update = db.Command("UPDATE outbox SET payload = @payload WHERE id = @id;")
            .With("@payload", chat.Key.Encrypt(json, PayloadField(id)))
            .With("@id", id);
        await update.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    // ---- Sending: reading, claiming, settling ----

    /// <summary>
    /// The first pending rows by (lane, id) that <paramref name="claimant"/> may send: unclaimed, claimed by itself, or
    /// with a lapsed claim.
    /// </summary>
    internal async Task<List<DueItem>> PendingAsync(UnitOfWork db, string claimant, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                $"""
                SELECT id, chat_ref, lane, attempts, not_before, broadcast_id, source_ref IS NOT NULL FROM outbox
                WHERE state = {Pending} AND (claimed_until IS NULL OR claimed_until <= @now OR claimed_by = @me)
                ORDER BY lane, id LIMIT @limit;
                """)
            .With("@now", now.ToUnixTimeMilliseconds())
            .With("@me", claimant)
            .With("@limit", limit);
        var items = new List<DueItem>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new DueItem(
                reader.GetInt64(0),
                reader.GetString(1),
                (Lane)reader.GetInt32(2),
                reader.GetInt32(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                reader.IsDBNull(5) ? null : reader.GetInt64(5),
                reader.GetBoolean(6)));
        }

        return items;
    }

    /// <summary>
    /// Claims a pending row for <paramref name="claimant"/> until now + <see cref="ClaimLease"/>, and returns its
    /// (encrypted) payload; null when the row is no longer pending or another process holds a live claim on it. Where
    /// writers run side by side the row is locked with <c>FOR UPDATE SKIP LOCKED</c>: a row another instance is
    /// claiming or settling at this moment is skipped, not waited for.
    /// </summary>
    internal async Task<byte[]?> ClaimAsync(UnitOfWork db, long itemId, string claimant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                $"""
                UPDATE outbox SET claimed_by = @me, claimed_until = @until
                WHERE id = (SELECT id FROM outbox
                            WHERE id = @id AND state = {Pending} AND (claimed_until IS NULL OR claimed_until <= @now OR claimed_by = @me)
                            {db.Dialect.ForUpdateSkipLocked})
                RETURNING payload;
                """)
            .With("@me", claimant)
            .With("@until", now.Add(ClaimLease).ToUnixTimeMilliseconds())
            .With("@now", now.ToUnixTimeMilliseconds())
            .With("@id", itemId);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    /// <summary>
    /// At start: the claims an earlier run of this instance left (it was killed while sending) are released, so those
    /// rows go again now instead of after the lease. Returns how many.
    /// </summary>
    internal async Task<int> ReleaseClaimsAsync(UnitOfWork db, string instance, CancellationToken cancellationToken)
    {
        var prefix = instance + ":";
        await using var command = db.Command(
                $"""
                UPDATE outbox SET claimed_by = NULL, claimed_until = NULL
                WHERE state = {Pending} AND claimed_by IS NOT NULL AND substr(claimed_by, 1, length(@prefix)) = @prefix;
                """)
            .With("@prefix", prefix);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Records a send. Returns true when the chat sent /panic after the row was queued: the message must be deleted
    /// from the chat at once (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications), since /panic could not see it.
    /// </summary>
    internal async Task<bool> SettleSentAsync(UnitOfWork db, long itemId, string chatRef, int? messageId, CancellationToken cancellationToken)
    {
        // The chat's own lock: a /panic being applied elsewhere either committed its mark before this looks, or waits
        // until this is recorded and then sees the message among those it deletes.
        await db.Dialect.LockChatAsync(db, chatRef, cancellationToken);
        // Whether a /panic mark covers the row comes back with the row itself; only a row no longer pending (cancelled
        // by that /panic, say) needs a look of its own.
        var panicMark = "EXISTS (SELECT 1 FROM outbox_panics WHERE chat_ref = @chat AND last_item >= @id)";
        var (settled, panicked) = await SettleAsync(
            db, "id = @id", ("@id", itemId), OutboxState.Sent, null, messageId, single: true, cancellationToken, (panicMark, ("@chat", chatRef)));
        if (settled > 0)
        {
            return panicked;
        }

        await using var look = db.Command($"SELECT {panicMark};")
            .With("@chat", chatRef)
            .With("@id", itemId);
        return Convert.ToInt64(await look.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) != 0;
    }

    /// <summary>Telegram refused the message itself (400), or it cannot be built: it will not be tried again.</summary>
    internal Task SettleFailedAsync(UnitOfWork db, long itemId, string? error, CancellationToken cancellationToken) =>
        SettleAsync(db, "id = @id", ("@id", itemId), OutboxState.Failed, error, null, single: true, cancellationToken);

    /// <summary>The chat blocked the bot: everything still pending for it fails.</summary>
    internal Task FailPendingForChatAsync(UnitOfWork db, string chatRef, string error, CancellationToken cancellationToken) =>
        SettleAsync(db, "chat_ref = @chat", ("@chat", chatRef), OutboxState.Failed, error, null, single: false, cancellationToken);

    /// <summary>
    /// Settles the pending rows <paramref name="where"/> selects: deleted, or, where a running broadcast still needs
    /// them, stripped of recipient and payload; sent and failed ones are counted in their hour's statistics (written
    /// once per transaction, just before it commits: see <see cref="DeliveryTally"/>). <paramref name="single"/>: the
    /// condition selects at most one row, so a row the first statement deleted needs no second.
    /// </summary>
    /// <param name="flag">An SQL condition returned with each settled row (with its parameter); the result says whether any row met it.</param>
    private async Task<(int Settled, bool Flagged)> SettleAsync(
        UnitOfWork db, string where, (string Name, object Value) parameter, OutboxState state, string? error, int? messageId, bool single,
        CancellationToken cancellationToken, (string Sql, (string Name, object Value) Parameter)? flag = null)
    {
        var counted = state is OutboxState.Sent or OutboxState.Failed ? DeliveryTally.Of(db) : null;
        var returning = flag is { } f ? $"RETURNING created_at, {f.Sql}" : "RETURNING created_at";
        (int Settled, bool Flagged) result = (0, false);
        await using (var delete = db.Command($"DELETE FROM outbox WHERE {where} AND state = {Pending} AND NOT {Needed} {returning};")
            .With(parameter.Name, parameter.Value))
        {
            result = await ReadSettledAsync(delete, counted, state, flag, result, cancellationToken);
        }

        if (single && result.Settled > 0)
        {
            return result;
        }

        await using var keep = db.Command($"UPDATE outbox SET state = @state, {Forget(db)}, error = @error, message_id = @message WHERE {where} AND state = {Pending} {returning};")
            .With(parameter.Name, parameter.Value)
            .With("@state", (int)state)
            .With("@error", error)
            .With("@message", messageId);
        return await ReadSettledAsync(keep, counted, state, flag, result, cancellationToken);
    }

    private static async Task<(int Settled, bool Flagged)> ReadSettledAsync(
        DbCommand command, DeliveryTally? tally, OutboxState state, (string Sql, (string Name, object Value) Parameter)? flag,
        (int Settled, bool Flagged) so, CancellationToken cancellationToken)
    {
        if (flag is { Parameter: var (name, value) })
        {
            command.With(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            so.Settled++;
            so.Flagged |= flag is not null && reader.GetBoolean(1);
            tally?.Add(reader.GetInt64(0) / Hour, state);
        }

        return so;
    }

    /// <summary>
    /// The sent and failed rows one transaction settled, by hour, added to <c>delivery_counts</c> in one statement just
    /// before it commits, into one shard of the (hour, state) row: writers side by side (several per instance on
    /// PostgreSQL, several instances) then rarely wait for each other's commit on one counter row. The shard is drawn
    /// per transaction; SQLite's one writer always uses shard 0. Only the outcome writer settles rows, in transactions
    /// without savepoints, so the tally is never ahead of what commits.
    /// </summary>
    private sealed class DeliveryTally
    {
        internal const int Shards = 16;
        private static readonly object Key = new();
        private readonly SortedDictionary<(long Hour, int State), long> _counts = [];

        public static DeliveryTally Of(UnitOfWork db) => db.BeforeCommit(Key, () => new DeliveryTally(), (u, t, ct) => t.WriteAsync(u, ct));

        public void Add(long hour, OutboxState state)
        {
            var key = (hour, (int)state);
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }

        private async Task WriteAsync(UnitOfWork db, CancellationToken cancellationToken)
        {
            var shard = db.Dialect.SingleWriter ? 0 : Random.Shared.Next(Shards);
            foreach (var ((hour, state), count) in _counts)
            {
                await using var command = db.Command(
                        """
                        INSERT INTO delivery_counts (hour, state, shard, count) VALUES (@hour, @state, @shard, @count)
                        ON CONFLICT (hour, state, shard) DO UPDATE SET count = delivery_counts.count + excluded.count;
                        """)
                    .With("@hour", hour)
                    .With("@state", state)
                    .With("@shard", shard)
                    .With("@count", count);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// A failure to try again at <paramref name="retryAt"/>. Only a failure of this message alone counts against its
    /// attempts (<paramref name="countAttempt"/>); once it has failed <paramref name="maxAttempts"/> times it is
    /// settled as failed. Returns true when it will be tried again.
    /// </summary>
    internal async Task<bool> RetryAsync(
        UnitOfWork db, long itemId, DateTimeOffset retryAt, string? error, bool countAttempt, int maxAttempts, CancellationToken cancellationToken)
    {
        await using (var update = db.Command(
                $"""
                UPDATE outbox SET attempts = attempts + @count, not_before = @at, error = @error
                WHERE id = @id AND state = {Pending} RETURNING attempts;
                """)
            .With("@count", countAttempt ? 1 : 0)
            .With("@at", retryAt.ToUnixTimeMilliseconds())
            .With("@error", error)
            .With("@id", itemId))
        {
            if (await update.ExecuteScalarAsync(cancellationToken) is not long attempts)
            {
                return false; // cancelled or erased meanwhile
            }

            if (attempts < maxAttempts)
            {
                return true;
            }
        }

        await SettleFailedAsync(db, itemId, error, cancellationToken);
        return false;
    }

    // ---- What other features ask of it ----

    /// <summary>
    /// /panic (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications): cancels everything still queued for the chat, and marks the rows queued so far so that a send
    /// already in flight is deleted the moment its outcome is recorded.
    /// </summary>
    public async Task PanicAsync(UnitOfWork db, string chatRef, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var mark = db.Command(
                """
                INSERT INTO outbox_panics (chat_ref, last_item, expires_at)
                VALUES (@chat, (SELECT COALESCE(MAX(id), 0) FROM outbox), @expires)
                ON CONFLICT (chat_ref) DO UPDATE SET last_item = excluded.last_item, expires_at = excluded.expires_at;
                """)
            .With("@chat", chatRef)
            .With("@expires", now.Add(ClaimLease).ToUnixTimeMilliseconds()))
        {
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await CancelPendingAsync(db, chatRef, cancellationToken);
    }

    /// <summary>Cancels everything still queued for a chat (a revoked caseworker, /panic); returns how many rows.</summary>
    public async Task<int> CancelPendingAsync(UnitOfWork db, string chatRef, CancellationToken cancellationToken)
    {
        int pending;
        await using (var count = db.Command($"SELECT COUNT(*) FROM outbox WHERE chat_ref = @chat AND state = {Pending};").With("@chat", chatRef))
        {
            pending = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        await SettleAsync(db, "chat_ref = @chat", ("@chat", chatRef), OutboxState.Cancelled, null, null, single: false, cancellationToken);
        return pending;
    }

    /// <summary>An ended broadcast's final counts are kept in its own row: its recipients' rows go.</summary>
    public async Task ForgetBroadcastAsync(UnitOfWork db, long broadcastId, CancellationToken cancellationToken)
    {
        await using var delete = db.Command($"DELETE FROM outbox WHERE broadcast_id = @id AND state <> {Pending};").With("@id", broadcastId);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Cancels a broadcast's rows not sent yet.</summary>
    public async Task CancelBroadcastAsync(UnitOfWork db, long broadcastId, CancellationToken cancellationToken)
    {
        await using var cancel = db.Command($"UPDATE outbox SET state = {Cancelled}, {Forget(db)} WHERE broadcast_id = @id AND state = {Pending};")
            .With("@id", broadcastId);
        await cancel.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many of a broadcast's rows are in each state.</summary>
    public async Task<Dictionary<OutboxState, long>> CountBroadcastAsync(UnitOfWork db, long broadcastId, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT state, COUNT(*) FROM outbox WHERE broadcast_id = @id GROUP BY state;").With("@id", broadcastId);
        return await CountsAsync(command, cancellationToken);
    }

    /// <summary>
    /// Delivery statistics: messages queued since <paramref name="since"/> (to the hour) that were sent or failed, and
    /// every message pending now.
    /// </summary>
    public async Task<Dictionary<OutboxState, long>> CountSinceAsync(UnitOfWork db, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                $"""
                SELECT state, SUM(count) FROM delivery_counts WHERE hour >= @hour GROUP BY state
                UNION ALL SELECT {Pending}, COUNT(*) FROM outbox WHERE state = {Pending};
                """)
            .With("@hour", since.ToUnixTimeMilliseconds() / Hour);
        return await CountsAsync(command, cancellationToken);
    }

    /// <summary>Monitoring: pending rows by lane, and when the longest-waiting of them became due.</summary>
    public async Task<(Dictionary<Lane, long> Pending, DateTimeOffset? OldestDue)> PendingByLaneAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        var pending = new Dictionary<Lane, long>();
        long? oldest = null;
        await using var command = db.Command($"SELECT lane, COUNT(*), MIN(not_before) FROM outbox WHERE state = {Pending} GROUP BY lane;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            pending[(Lane)reader.GetInt32(0)] = reader.GetInt64(1);
            var due = reader.GetInt64(2);
            oldest = oldest is null ? due : Math.Min(oldest.Value, due);
        }

        return (pending, oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    /// <summary>Monitoring: recipients of running broadcasts already sent and failed.</summary>
    public async Task<(long Sent, long Failed)> RunningBroadcastOutcomesAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
            $"""
            SELECT o.state, COUNT(*) FROM outbox o JOIN broadcasts b ON b.id = o.broadcast_id
            WHERE b.state = 0 AND o.state IN ({Sent}, {Failed}) GROUP BY o.state;
            """);
        var counts = await CountsAsync(command, cancellationToken);
        return (counts.GetValueOrDefault(OutboxState.Sent), counts.GetValueOrDefault(OutboxState.Failed));
    }

    /// <summary>The Telegram message id of a sent row (a message edited later, such as a broadcast's progress).</summary>
    public async Task<int?> MessageIdAsync(UnitOfWork db, long itemId, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT message_id FROM outbox WHERE id = @id;").With("@id", itemId);
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? (int)id : null;
    }

    /// <summary>The state of a row; null when it is gone.</summary>
    public async Task<OutboxState?> StateAsync(UnitOfWork db, long itemId, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT state FROM outbox WHERE id = @id;").With("@id", itemId);
        return await command.ExecuteScalarAsync(cancellationToken) is long state ? (OutboxState)state : null;
    }

    /// <summary>
    /// What settled rows remain (progress messages of ended broadcasts) and hourly counts go after
    /// <paramref name="before"/>; /panic marks once no send of their time can still be in flight.
    /// </summary>
    internal async Task PurgeAsync(UnitOfWork db, DateTimeOffset before, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var rows = db.Command(
                $"""
                DELETE FROM outbox WHERE state <> {Pending} AND created_at < @before
                AND (broadcast_id IS NULL OR broadcast_id IN (SELECT id FROM broadcasts WHERE state <> {Running}));
                """)
            .With("@before", before.ToUnixTimeMilliseconds()))
        {
            await rows.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var counts = db.Command("DELETE FROM delivery_counts WHERE hour < @hour;").With("@hour", before.ToUnixTimeMilliseconds() / Hour))
        {
            await counts.ExecuteNonQueryAsync(cancellationToken);
        }

        await PurgePanicMarksAsync(db, now, cancellationToken);
    }

    internal async Task PurgePanicMarksAsync(UnitOfWork db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var marks = db.Command("DELETE FROM outbox_panics WHERE expires_at <= @now;").With("@now", now.ToUnixTimeMilliseconds());
        await marks.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<Dictionary<OutboxState, long>> CountsAsync(System.Data.Common.DbCommand command, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<OutboxState, long>();
        // SUM over no rows is NULL.
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = (OutboxState)reader.GetInt32(0);
            counts[state] = counts.GetValueOrDefault(state) + (reader.IsDBNull(1) ? 0 : reader.GetInt64(1));
        }

        return counts;
    }

    private static string Code(OutboxState state) => ((int)state).ToString(CultureInfo.InvariantCulture);
}
