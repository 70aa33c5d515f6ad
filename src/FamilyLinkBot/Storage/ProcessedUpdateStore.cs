namespace FamilyLinkBot.Storage;

/// <summary>
/// The <c>processed_updates</c> table: update ids already applied, so a redelivered update is skipped (docs/DESIGN.md#8-delivery).
/// Telegram keeps an unconfirmed update for at most 24 hours, so an id older than that (with a margin) can never come
/// back; its row is deleted, and with it the time trail it kept for chats that may since have been erased.
/// </summary>
public static class ProcessedUpdateStore
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(48);

    public static async Task<int> PruneAsync(UnitOfWork db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command("DELETE FROM processed_updates WHERE processed_at < @before;")
            .With("@before", (now - KeptFor).ToUnixTimeSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
