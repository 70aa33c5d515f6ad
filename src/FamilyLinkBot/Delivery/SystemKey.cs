using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// The bot's own data key, for identifying text that belongs to no one family (broadcast texts). Created once,
/// kept wrapped by the master key in <c>meta</c>, so it rotates with the master key like every family's key.
/// </summary>
public sealed class SystemKey(KeyStore keys, MetaStore meta) : IDisposable
{
    internal const string MetaName = "system_data_key";
    private const string Owner = "system";

    private readonly Lock _gate = new();
    private DataKey? _key;

    /// <summary>The key, read (or created) inside the caller's transaction.</summary>
    public async Task<DataKey> GetAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        if (_key is { } ready)
        {
            return ready;
        }

        // Get-or-create under a lock of the caller's transaction: two instances never each create one (a broadcast stored
        // under the losing key could not be read again).
        await db.Dialect.LockAsync(db, "meta: " + MetaName, cancellationToken);
        var wrapped = await meta.GetAsync(db, MetaName, cancellationToken);
        if (wrapped is null)
        {
            // Not cached: the caller's transaction may still roll back, and then the next call creates it again.
            var created = DataKey.Create(await keys.WriteRingAsync(db, cancellationToken), Owner, out var newWrapped);
            await meta.SetAsync(db, MetaName, newWrapped, cancellationToken);
            return created;
        }

        // Unwrapped with whichever master key wrapped it: during a rotation that may be the new one.
        var key = await keys.UnwrapAsync(db, Owner, wrapped, cancellationToken);
        lock (_gate)
        {
            if (_key is null)
            {
                _key = key;
                return key;
            }
        }

        key.Dispose();
        return _key;
    }

    public void Dispose() => _key?.Dispose();
}
