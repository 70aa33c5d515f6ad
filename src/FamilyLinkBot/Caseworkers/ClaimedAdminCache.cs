using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The claimed admin's chat row id (<see cref="ClaimedAdminStore"/>), which the role needs on every update, read again
/// at most every <see cref="RefreshAfter"/> instead of on each. A claim made here is seen at once (<see cref="Set"/>,
/// after its commit); one made on another instance sharing the database within <see cref="RefreshAfter"/>. A claimed
/// value is refreshed too, not kept for good: erasing the claimant (/forget) lets the next start issue a code, and the
/// new claim may be made on another instance. An erased claimant needs no invalidation, since a chat row id is never
/// reused. The refresh reads in a transaction of its own, so it never keeps a claim some update made and then rolled back.
/// </summary>
public sealed class ClaimedAdminCache(ClaimedAdminStore store, Database database, TimeProvider time)
{
    /// <summary>How stale the value may be: how long a claim on another instance may take to make an admin here.</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(5);

    private Known? _known;
    private int _refreshing;

    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken)
    {
        var known = Volatile.Read(ref _known);
        var now = time.GetUtcNow();
        if (known is not null && now - known.ReadAt < RefreshAfter)
        {
            return known.ChatRef;
        }

        // One refresh at a time: the others keep the value it replaces, a few seconds old. Only the very first waits.
        var refreshing = known is not null;
        if (refreshing && Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return known!.ChatRef;
        }

        try
        {
            string? loaded;
            await using (var db = await database.ReadAsync(cancellationToken))
            {
                loaded = await store.GetAsync(db, cancellationToken);
            }

            // A claim Set while this read ran is newer than what it read: it stays.
            Interlocked.CompareExchange(ref _known, new Known(loaded, now), known);
            return Volatile.Read(ref _known)!.ChatRef;
        }
        finally
        {
            if (refreshing)
            {
                Volatile.Write(ref _refreshing, 0);
            }
        }
    }

    /// <summary>The chat that just claimed the role here, after its transaction committed.</summary>
    public void Set(string chatRef) => Volatile.Write(ref _known, new Known(chatRef, time.GetUtcNow()));

    private sealed record Known(string? ChatRef, DateTimeOffset ReadAt);
}
