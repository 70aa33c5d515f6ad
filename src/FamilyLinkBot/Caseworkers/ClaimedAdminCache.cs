using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The claimed admin's chat row id, read from the database once and then kept: the role is resolved on every update,
/// and the claim changes only through /setup in this process (set after its commit). An erased claimant needs no
/// invalidation, since a chat row id is never reused.
/// </summary>
public sealed class ClaimedAdminCache(ClaimedAdminStore store)
{
    private volatile Box? _value;

    public async ValueTask<string?> GetAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        if (_value is { } known)
        {
            return known.ChatRef;
        }

        var loaded = await store.GetAsync(db, cancellationToken);
        _value ??= new Box(loaded);
        return _value.ChatRef;
    }

    public void Set(string chatRef) => _value = new Box(chatRef);

    private sealed record Box(string? ChatRef);
}
