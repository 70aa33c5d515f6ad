using FamilyLinkBot.Crypto;
using FamilyLinkBot.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Storage;

/// <summary>
/// Loads the master key and the key material kept in the database, and enforces SPEC §3: a key is
/// generated only for an empty database, and a missing or wrong key for existing data stops the bot.
/// </summary>
public sealed class KeyStore(Database database, IOptions<CryptoOptions> options, ILogger<KeyStore> logger) : IDisposable
{
    private const string KeyCheckName = "key_check";
    private const string IndexRootName = "index_root";

    private KeyRing? _ring;
    private IndexKeys? _index;

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
                throw new StartupException(
                    "The master key does not match this database (the stored key check value differs). " +
                    "Use the key file this database was created with (Crypto:MasterKeyPath or Crypto:MasterKey).");
            }

            var wrappedRoot = await MetaStore.GetAsync(db, IndexRootName, cancellationToken);
            IndexKeys index;
            if (wrappedRoot is null)
            {
                if (keyCheck is not null)
                {
                    throw new StartupException("The database has a key check value but no index root: it is damaged. Restore it from a backup.");
                }

                index = IndexKeys.Create(ring, out var newRoot);
                await MetaStore.SetAsync(db, KeyCheckName, ring.KeyCheckValue, cancellationToken);
                await MetaStore.SetAsync(db, IndexRootName, newRoot, cancellationToken);
                await db.CommitAsync(cancellationToken);
            }
            else
            {
                index = IndexKeys.Unwrap(ring, wrappedRoot);
            }

            _ring = ring;
            _index = index;
        }
        catch
        {
            ring.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _index?.Dispose();
        _ring?.Dispose();
    }

    private static async Task<bool> HasAnyRowsAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT EXISTS (SELECT 1 FROM chats) OR EXISTS (SELECT 1 FROM meta);");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != 0;
    }
}
