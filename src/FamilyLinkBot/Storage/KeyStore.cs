using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Storage;

/// <summary>
/// Loads the master key and the key material kept in the database, and enforces SPEC §3: a key is
/// generated only for an empty database, and a missing or wrong key for existing data stops the bot.
/// During a key rotation (<see cref="KeyRotation"/>) it also holds the new key, found through the rotation
/// marker in <c>meta</c>, so it can read data keys wrapped under either and wraps new ones under the new key.
/// </summary>
public sealed class KeyStore(Database database, IOptions<CryptoOptions> options, ILogger<KeyStore> logger) : IDisposable
{
    internal const string KeyCheckName = "key_check";
    internal const string IndexRootName = "index_root";
    internal const string RotationKeyCheckName = "rotation_key_check";
    internal const string RotationPathName = "rotation_key_path";

    private readonly ConcurrentDictionary<uint, KeyRing> _rings = new();
    private KeyRing? _ring;
    private IndexKeys? _index;

    /// <summary>The ring of the configured master key.</summary>
    public KeyRing Ring => _ring ?? throw new InvalidOperationException("The keys are not loaded yet.");

    public IndexKeys Index => _index ?? throw new InvalidOperationException("The keys are not loaded yet.");

    public bool IsLoaded => _index is not null;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (IsLoaded)
        {
            return;
        }

        await using var db = await database.BeginAsync(cancellationToken);
        var keyCheck = await MetaStore.GetAsync(db, KeyCheckName, cancellationToken);
        var hasData = keyCheck is not null || await HasAnyRowsAsync(db, cancellationToken);

        var master = MasterKeySource.TryLoad(options.Value);
        if (master is null)
        {
            if (hasData)
            {
                throw new StartupException(
                    $"The database {database.FilePath} holds data, but no master key was found at '{options.Value.MasterKeyPath}' " +
                    "(Crypto:MasterKeyPath) or in Crypto:MasterKey. Restore the key file this database was created with. " +
                    "A new key is never generated over existing data.");
            }

            master = MasterKeySource.CreateFile(options.Value.MasterKeyPath);
            logger.LogWarning(
                "Created a new master key at {KeyPath} (file mode 0600). Back it up apart from the database: without it the data cannot be read.",
                Path.GetFullPath(options.Value.MasterKeyPath));
        }

        var ring = KeyRing.FromMasterKey(master);
        try
        {
            if (keyCheck is not null && !ring.Matches(keyCheck))
            {
                var rotationTarget = await MetaStore.GetAsync(db, RotationKeyCheckName, cancellationToken);
                throw new StartupException(rotationTarget is not null && ring.Matches(rotationTarget)
                    ? "A key rotation to this key is still in progress. Start with the old key until 'rotate-key' has finished."
                    : "The master key does not match this database (the stored key check value differs). " +
                      "Use the key file this database was created with (Crypto:MasterKeyPath or Crypto:MasterKey).");
            }

            var wrappedRoot = await MetaStore.GetAsync(db, IndexRootName, cancellationToken);
            if (wrappedRoot is null)
            {
                if (keyCheck is not null)
                {
                    throw new StartupException("The database has a key check value but no index root: it is damaged. Restore it from a backup.");
                }

                _index = IndexKeys.Create(ring, out var newRoot);
                await MetaStore.SetAsync(db, KeyCheckName, ring.KeyCheckValue, cancellationToken);
                await MetaStore.SetAsync(db, IndexRootName, newRoot, cancellationToken);
                await db.CommitAsync(cancellationToken);
            }
            else
            {
                _rings[ring.KeyId] = ring;
                _index = IndexKeys.Unwrap(RingFor(wrappedRoot) ?? await LoadRotationTargetAsync(db, cancellationToken) ?? ring, wrappedRoot);
            }

            _rings[ring.KeyId] = ring;
            _ring = ring;
        }
        catch
        {
            ring.Dispose();
            throw;
        }
    }

    /// <summary>Unwraps a chat's data key with whichever loaded master key wrapped it.</summary>
    public async Task<DataKey> UnwrapAsync(UnitOfWork db, string ownerId, byte[] wrapped, CancellationToken cancellationToken)
    {
        var ring = RingFor(wrapped) ?? await LoadRotationTargetAsync(db, cancellationToken) ?? Ring;
        return DataKey.Unwrap(ring, ownerId, wrapped);
    }

    /// <summary>
    /// The ring new data keys are wrapped with: the configured key, or the new one while a rotation is under way, so
    /// that nothing written during a rotation is left behind under the old key.
    /// </summary>
    public async Task<KeyRing> WriteRingAsync(UnitOfWork db, CancellationToken cancellationToken) =>
        await LoadRotationTargetAsync(db, cancellationToken) ?? Ring;

    /// <summary>The key id in a blob's header (bytes 1–4, big-endian).</summary>
    internal static uint KeyIdOf(ReadOnlySpan<byte> blob) => blob.Length >= 5 ? BinaryPrimitives.ReadUInt32BigEndian(blob[1..5]) : 0;

    public void Dispose()
    {
        _index?.Dispose();
        foreach (var ring in _rings.Values)
        {
            ring.Dispose();
        }
    }

    private KeyRing? RingFor(ReadOnlySpan<byte> blob) => _rings.TryGetValue(KeyIdOf(blob), out var ring) ? ring : null;

    /// <summary>The rotation target's ring, loaded once from the path in the marker and checked against its key check value.</summary>
    private async Task<KeyRing?> LoadRotationTargetAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        var target = await MetaStore.GetAsync(db, RotationKeyCheckName, cancellationToken);
        if (target is null)
        {
            return null;
        }

        foreach (var loaded in _rings.Values)
        {
            if (loaded.Matches(target))
            {
                return loaded;
            }
        }

        var path = await MetaStore.GetAsync(db, RotationPathName, cancellationToken);
        var key = path is null ? null : MasterKeySource.TryLoad(new CryptoOptions { MasterKeyPath = Encoding.UTF8.GetString(path) });
        if (key is null)
        {
            logger.LogError("A key rotation is under way but its new key file cannot be read; finish it with rotate-key.");
            return null;
        }

        var ring = KeyRing.FromMasterKey(key);
        if (!ring.Matches(target))
        {
            ring.Dispose();
            logger.LogError("A key rotation is under way but the key file it names does not match; finish it with rotate-key.");
            return null;
        }

        var added = _rings.GetOrAdd(ring.KeyId, ring);
        if (!ReferenceEquals(added, ring))
        {
            ring.Dispose();
        }

        return added;
    }

    private static async Task<bool> HasAnyRowsAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT EXISTS (SELECT 1 FROM chats) OR EXISTS (SELECT 1 FROM meta);");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != 0;
    }
}
