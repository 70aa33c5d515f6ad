using FamilyLinkBot.Storage;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// A sliding one-minute window of token and invite-code look-ups (and /setup tries) per chat
/// (docs/DESIGN.md#43-caseworkers), kept in the database (<see cref="TokenLookupStore"/>) so that instances sharing it
/// count one window between them: n instances allow the limit, not n times it. Keyed by the chat's random row id,
/// never by a Telegram id. A look-up counts in the transaction that makes it: an update that fails is rolled back
/// together with its answer, so nothing was learned from it. Times are the instances' own clocks, as for every other
/// stored time; synchronized clocks differ by milliseconds, which is all they move a one-minute window.
/// </summary>
public sealed class TokenLookupLimiter(TokenLookupStore store, IOptions<CaseworkerOptions> options)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Counts one look-up of the chat in <paramref name="db"/> (a writing transaction); false when the chat is over
    /// its limit (the look-up must then not happen, and the refusal is not counted, so it does not extend the wait).
    /// </summary>
    public async Task<bool> TryAcquireAsync(UnitOfWork db, string chatRef, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);

        // Count and insert under the chat's lock, so two instances never both take the last place. An update's own
        // chat is locked already (UpdatePipeline; taking it again costs one round trip); SQLite's one writer needs no lock.
        await db.Dialect.LockChatAsync(db, chatRef, cancellationToken);
        return await store.TryAddAsync(db, chatRef, now, now - Window, options.Value.TokenLookupsPerMinute, cancellationToken);
    }
}
