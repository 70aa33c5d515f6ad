namespace FamilyLinkBot.Storage;

/// <summary>
/// The <c>processed_updates</c> table: update ids already applied, so a redelivered update is skipped (docs/DESIGN.md#8-delivery).
/// Telegram keeps an unconfirmed update for at most 24 hours, so an id older than that (with a margin) can never come
/// back; its row is deleted, and with it the time trail it kept for chats that may since have been erased.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class ProcessedUpdateStore
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(48);

    /// <summary>Records the update as applied; false when it was applied before (a redelivery).</summary>
    public async Task<bool> MarkAsync(UnitOfWork db, int updateId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command("INSERT INTO processed_updates (update_id, processed_at) VALUES (@id, @now) ON CONFLICT DO NOTHING;")
            .With("@id", updateId)
            .With("@now", now.ToUnixTimeSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> PruneAsync(UnitOfWork db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command("DELETE FROM processed_updates WHERE processed_at < @before;")
            .With("@before", (now - KeptFor).ToUnixTimeSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
