using System.Buffers.Binary;
using System.Text;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Hosting;

namespace FamilyLinkBot.Storage;

/// <summary>
/// Re-wraps every data key and the index root under a new master key (docs/DESIGN.md#3-cryptography, docs/DESIGN.md#9-running-it <c>rotate-key</c>).
/// Safe while the bot runs and safe to re-run: it first records the target (its key check value and file path) in
/// <c>meta</c>, so a running bot can read keys wrapped under either master key and wraps new ones under the new key;
/// it re-wraps in small transactions; and its last transaction re-wraps any stragglers and switches the key check value,
/// after which the old key file is not needed. It leaves the new key's path behind, so a bot that runs on through the
/// rotation follows it (<see cref="KeyStore"/>).
/// </summary>
public sealed class KeyRotation(Database database, MetaStore meta)
{
    /// <summary>Data keys re-wrapped per transaction, so readers are never blocked for long.</summary>
    internal int BatchSize { get; init; } = 200;

    /// <summary>Called after each committed batch (tests use it to simulate a crash part way).</summary>
    internal Action<int>? AfterBatch { get; init; }

    /// <summary>The wrapped secrets in <c>meta</c> besides the index root, with the owner id their data key is bound to.</summary>
    public static IReadOnlyDictionary<string, string> MetaDataKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["system_data_key"] = "system",
    };

    public async Task<RotationResult> RotateAsync(CryptoOptions current, string newKeyPath, CancellationToken cancellationToken)
    {
        await new Migrator(database).MigrateAsync(cancellationToken);
        var oldKey = MasterKeySource.TryLoad(current)
            ?? throw new StartupException($"The current master key was not found at '{current.MasterKeyPath}' (Crypto:MasterKeyPath) or in Crypto:MasterKey.");
        using var from = KeyRing.FromMasterKey(oldKey);
        var created = !File.Exists(newKeyPath);
        var newKey = created
            ? MasterKeySource.CreateFile(newKeyPath)
            : MasterKeySource.TryLoad(new CryptoOptions { MasterKeyPath = newKeyPath })!;
        using var to = KeyRing.FromMasterKey(newKey);
        if (from.KeyId == to.KeyId)
        {
            throw new StartupException("The new key is the key in use. Give a new file path (it is created) or another key file.");
        }

        await using (var db = await database.BeginAsync(cancellationToken))
        {
            var keyCheck = await meta.GetAsync(db, KeyStore.KeyCheckName, cancellationToken);
            if (keyCheck is null)
            {
                throw new StartupException("The database holds no keys yet: there is nothing to rotate. Start the bot once first.");
            }

            if (to.Matches(keyCheck))
            {
                return new RotationResult(0, AlreadyDone: true, created);
            }

            if (!from.Matches(keyCheck))
            {
                throw new StartupException("The current master key does not match this database (Crypto:MasterKeyPath or Crypto:MasterKey).");
            }

            var target = await meta.GetAsync(db, KeyStore.RotationKeyCheckName, cancellationToken);
            if (target is not null && !to.Matches(target))
            {
                throw new StartupException("A rotation to another key was started and not finished. Finish it first with rotate-key --new <that key file>.");
            }

            await meta.SetAsync(db, KeyStore.RotationKeyCheckName, to.KeyCheckValue, cancellationToken);
            await meta.SetAsync(db, KeyStore.RotationPathName, Encoding.UTF8.GetBytes(Path.GetFullPath(newKeyPath)), cancellationToken);
            await db.CommitAsync(cancellationToken);
        }

        var rewrapped = 0;
        int batch;
        do
        {
            await using var db = await database.BeginAsync(cancellationToken);
            batch = await RewrapChatsAsync(db, from, to, BatchSize, cancellationToken);
            await db.CommitAsync(cancellationToken);
            rewrapped += batch;
            AfterBatch?.Invoke(rewrapped);
        }
        while (batch == BatchSize);

        // The last step is one transaction: no chat can be created under the old key between the final check and the switch.
        await using (var db = await database.BeginAsync(cancellationToken))
        {
            rewrapped += await RewrapChatsAsync(db, from, to, int.MaxValue, cancellationToken);
            await RewrapMetaAsync(db, KeyStore.IndexRootName, (blob) => IndexKeys.RewrapRoot(from, to, blob), from, cancellationToken);
            foreach (var (name, owner) in MetaDataKeys)
            {
                await RewrapMetaAsync(db, name, (blob) => DataKey.Rewrap(from, to, owner, blob), from, cancellationToken);
            }

            await meta.SetAsync(db, KeyStore.KeyCheckName, to.KeyCheckValue, cancellationToken);
            await using (var clear = db.Command("DELETE FROM meta WHERE key IN (@check, @path);")
                .With("@check", KeyStore.RotationKeyCheckName)
                .With("@path", KeyStore.RotationPathName))
            {
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            // A bot still running on the old key finds the new one here, so it never wraps anything under the retired key.
            await meta.SetAsync(db, KeyStore.RotatedPathName, Encoding.UTF8.GetBytes(Path.GetFullPath(newKeyPath)), cancellationToken);

            await db.CommitAsync(cancellationToken);
        }

        // Until a checkpoint moves the new wrappings into the main file, it still holds the old ones; a reader can block it.
        var checkpointed = await database.CheckpointAsync(cancellationToken);
        return new RotationResult(rewrapped, AlreadyDone: false, created) { CheckpointBlocked = !checkpointed };
    }

    private static async Task<int> RewrapChatsAsync(UnitOfWork db, KeyRing from, KeyRing to, int limit, CancellationToken cancellationToken)
    {
        var oldId = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(oldId, from.KeyId);
        var rows = new List<(string Id, byte[] Wrapped)>();
        await using (var select = db.Command("SELECT id, data_key FROM chats WHERE substr(data_key, 2, 4) = @old LIMIT @limit;")
            .With("@old", oldId)
            .With("@limit", limit))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetBlobOrNull(1)!));
            }
        }

        foreach (var (id, wrapped) in rows)
        {
            await using var update = db.Command("UPDATE chats SET data_key = @new WHERE id = @id;")
                .With("@new", DataKey.Rewrap(from, to, id, wrapped))
                .With("@id", id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        return rows.Count;
    }

    private async Task RewrapMetaAsync(UnitOfWork db, string name, Func<byte[], byte[]> rewrap, KeyRing from, CancellationToken cancellationToken)
    {
        var blob = await meta.GetAsync(db, name, cancellationToken);
        if (blob is not null && KeyStore.KeyIdOf(blob) == from.KeyId)
        {
            await meta.SetAsync(db, name, rewrap(blob), cancellationToken);
        }
    }
}

/// <summary>What a rotation did: how many data keys it re-wrapped, whether it had been done already, whether it made the key file.</summary>
public sealed record RotationResult(int Rewrapped, bool AlreadyDone, bool CreatedKeyFile)
{
    /// <summary>The final WAL checkpoint stayed blocked by a reader: data keys wrapped under the old key may remain in the database files until the next checkpoint.</summary>
    public bool CheckpointBlocked { get; init; }
}
