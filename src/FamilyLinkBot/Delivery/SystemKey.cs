using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// The bot's own data key, for identifying text that belongs to no one family (broadcast texts). Created once,
/// kept wrapped by the master key in <c>meta</c>, so it rotates with the master key like every family's key.
/// </summary>
public sealed class SystemKey(Database database, KeyStore keys) : IDisposable
{
    internal const string MetaName = "system_data_key";
    private const string Owner = "system";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DataKey? _key;

    public async Task<DataKey> GetAsync(CancellationToken cancellationToken)
    {
        if (_key is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_key is null)
            {
                await using var db = await database.BeginAsync(cancellationToken);
                var wrapped = await MetaStore.GetAsync(db, MetaName, cancellationToken);
                if (wrapped is null)
                {
                    _key = DataKey.Create(keys.Ring, Owner, out var created);
                    await MetaStore.SetAsync(db, MetaName, created, cancellationToken);
                    await db.CommitAsync(cancellationToken);
                }
                else
                {
                    _key = DataKey.Unwrap(keys.Ring, Owner, wrapped);
                }
            }

            return _key;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _key?.Dispose();
        _gate.Dispose();
    }
}
