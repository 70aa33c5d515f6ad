using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The <c>token_lookups</c> table: one row per counted look-up (<see cref="TokenLookupLimiter"/>), the chat's random
/// row id and the time, nothing else. Look-ups only insert and count; rows past the window are deleted by the
/// disappearing-message sweep, so the look-ups of a chat and the pruning never wait for each other's row locks.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class TokenLookupStore
{
    /// <summary>
    /// Records a look-up at <paramref name="now"/> unless the chat already has <paramref name="limit"/> after
    /// <paramref name="windowStart"/>; true when it did. Exact only under the chat's lock (the caller takes it).
    /// </summary>
    public async Task<bool> TryAddAsync(UnitOfWork db, string chatRef, DateTimeOffset now, DateTimeOffset windowStart, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var command = db.Command(
                """
                INSERT INTO token_lookups (chat_ref, at)
                SELECT @chat, @now
                WHERE (SELECT COUNT(*) FROM token_lookups WHERE chat_ref = @chat AND at > @since) < @limit;
                """)
            .With("@chat", chatRef)
            .With("@now", now.ToUnixTimeMilliseconds())
            .With("@since", windowStart.ToUnixTimeMilliseconds())
            .With("@limit", limit);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Deletes every look-up older than the window; they count for nothing any more, and kept only a time trail.</summary>
    public async Task<int> PruneAsync(UnitOfWork db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var command = db.Command("DELETE FROM token_lookups WHERE at <= @before;")
            .With("@before", (now - TokenLookupLimiter.Window).ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
