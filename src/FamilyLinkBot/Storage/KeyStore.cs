using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Storage;

/// <summary>
/// Loads the master key and the key material kept in the database, and enforces docs/DESIGN.md#3-cryptography: a key is
/// generated only for an empty database, and a missing or wrong key for existing data stops the bot.
/// During a key rotation (<see cref="KeyRotation"/>) it also holds the new key, found through the rotation
/// marker in <c>meta</c>, so it can read data keys wrapped under either and wraps new ones under the new key.
/// A rotation that finishes while the bot runs is followed too: before every new wrap the stored key check value is
/// compared with the key in use, and on a mismatch the new key is loaded from the path the rotation left behind. If it
/// cannot be, the bot refuses to wrap anything rather than wrap it under the retired key (docs/DESIGN.md#3-cryptography).
/// </summary>
public sealed class KeyStore(Database database, MetaStore meta, IOptions<CryptoOptions> options, ILogger<KeyStore> logger) : IDisposable
{
    internal const string KeyCheckName = "key_check";
    internal const string IndexRootName = "index_root";
    internal const string RotationKeyCheckName = "rotation_key_check";
    internal const string RotationPathName = "rotation_key_path";

    /// <summary>Left by a finished rotation: the path of the key it moved to, so a bot still running on the old key follows.</summary>
    internal const string RotatedPathName = "rotated_key_path";

    private readonly ConcurrentDictionary<uint, KeyRing> _rings = new();
    private KeyRing? _ring;
    private IndexKeys? _index;

    /// <summary>The ring of the master key in use: the configured one, or the one a rotation finished while running moved to.</summary>
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
        // Instances starting together on an empty database create the key check and index root once: the second waits
        // here and then reads what the first wrote (docs/DESIGN.md#what-may-run-once-and-what-may-run-many-times).
        await db.Dialect.LockAsync(db, "meta: keys", cancellationToken);
        var keyCheck = await meta.GetAsync(db, KeyCheckName, cancellationToken);
        var hasData = keyCheck is not null || await HasAnyRowsAsync(db, cancellationToken);

        CheckKeyFileMode();
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
                var rotationTarget = await meta.GetAsync(db, RotationKeyCheckName, cancellationToken);
                throw new StartupException(rotationTarget is not null && ring.Matches(rotationTarget)
                    ? "A key rotation to this key is still in progress. Start with the old key until 'rotate-key' has finished."
                    : "The master key does not match this database (the stored key check value differs). " +
                      "Use the key file this database was created with (Crypto:MasterKeyPath or Crypto:MasterKey).");
            }

            var wrappedRoot = await meta.GetAsync(db, IndexRootName, cancellationToken);
            if (wrappedRoot is null)
            {
                if (keyCheck is not null)
                {
                    throw new StartupException("The database has a key check value but no index root: it is damaged. Restore it from a backup.");
                }

                _index = IndexKeys.Create(ring, out var newRoot);
                await meta.SetAsync(db, KeyCheckName, ring.KeyCheckValue, cancellationToken);
                await meta.SetAsync(db, IndexRootName, newRoot, cancellationToken);
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

    /// <summary>
    /// A key file any local user can read is refused: with it and the database everything is readable. One that only
    /// its group can read, or others can write, is used with a warning. A key given in Crypto:MasterKey is not a file.
    /// </summary>
    private void CheckKeyFileMode()
    {
        var path = options.Value.MasterKeyPath;
        if (OperatingSystem.IsWindows() || !string.IsNullOrWhiteSpace(options.Value.MasterKey) || string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.OtherRead) != 0)
        {
            throw new StartupException(
                $"The master key file {Path.GetFullPath(path)} is readable by every local user. Restrict it to the service user (chmod 600) and start again.");
        }

        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
        {
            logger.LogWarning("The master key file {KeyPath} is open to more than its owner; restrict it with chmod 600.", Path.GetFullPath(path));
        }
    }

    /// <summary>Unwraps a chat's data key with whichever loaded master key wrapped it.</summary>
    public async Task<DataKey> UnwrapAsync(UnitOfWork db, string ownerId, byte[] wrapped, CancellationToken cancellationToken)
    {
        var ring = RingFor(wrapped);
        if (ring is null)
        {
            // Wrapped under a key not loaded yet: the target of a rotation under way, or of one finished since the start.
            ring = await LoadRotationTargetAsync(db, cancellationToken);
            if (ring is null || ring.KeyId != KeyIdOf(wrapped))
            {
                ring = await FollowRotationAsync(db, cancellationToken);
            }

            ring = RingFor(wrapped) ?? ring ?? Ring;
        }

        return DataKey.Unwrap(ring, ownerId, wrapped);
    }

    /// <summary>
    /// The ring new data keys are wrapped with: the new key while a rotation is under way, else the key the database
    /// is on now, which may be newer than the one the bot started with. Never a retired key: when the database has moved
    /// to a key this bot cannot load, it throws <see cref="RetiredKeyException"/> and stores nothing.
    /// </summary>
    public async Task<KeyRing> WriteRingAsync(UnitOfWork db, CancellationToken cancellationToken) =>
        await LoadRotationTargetAsync(db, cancellationToken)
        ?? await FollowRotationAsync(db, cancellationToken)
        ?? throw new RetiredKeyException();

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

    /// <summary>
    /// The ring of the key the database is on (its key check value), switching to it if a rotation moved the database
    /// since this bot started; null (logged for the operator) when that key cannot be loaded.
    /// </summary>
    private async Task<KeyRing?> FollowRotationAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        var current = Ring;
        var keyCheck = await meta.GetAsync(db, KeyCheckName, cancellationToken);
        if (keyCheck is null || current.Matches(keyCheck))
        {
            return current;
        }

        var ring = _rings.Values.FirstOrDefault(loaded => loaded.Matches(keyCheck));
        if (ring is null)
        {
            var path = await meta.GetAsync(db, RotatedPathName, cancellationToken);
            byte[]? key = null;
            try
            {
                key = path is null ? null : MasterKeySource.TryLoad(new CryptoOptions { MasterKeyPath = Encoding.UTF8.GetString(path) });
            }
            catch (Exception ex) when (ex is MasterKeyException or IOException or UnauthorizedAccessException)
            {
                logger.LogError("The new master key file left by rotate-key cannot be read ({ErrorType}).", ex.GetType().Name);
            }

            if (key is not null)
            {
                var loaded = KeyRing.FromMasterKey(key);
                if (loaded.Matches(keyCheck))
                {
                    ring = _rings.GetOrAdd(loaded.KeyId, loaded);
                    if (!ReferenceEquals(ring, loaded))
                    {
                        loaded.Dispose();
                    }
                }
                else
                {
                    loaded.Dispose();
                }
            }
        }

        if (ring is null)
        {
            logger.LogCritical(
                "The master key was rotated while the bot ran, and the new key cannot be loaded: nothing new is stored under the retired key. " +
                "Restart the bot with Crypto:MasterKeyPath pointing at the new key file.");
            return null;
        }

        if (ReferenceEquals(Interlocked.CompareExchange(ref _ring, ring, current), current))
        {
            logger.LogWarning(
                "The master key was rotated while the bot ran; it now uses the new key. Point Crypto:MasterKeyPath at the new key file before the next start.");
        }

        return ring;
    }

    private KeyRing? RingFor(ReadOnlySpan<byte> blob) => _rings.TryGetValue(KeyIdOf(blob), out var ring) ? ring : null;

    /// <summary>The rotation target's ring, loaded once from the path in the marker and checked against its key check value.</summary>
    private async Task<KeyRing?> LoadRotationTargetAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        var target = await meta.GetAsync(db, RotationKeyCheckName, cancellationToken);
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

        var path = await meta.GetAsync(db, RotationPathName, cancellationToken);
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
