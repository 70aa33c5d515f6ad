using System.Data.Common;
using System.Globalization;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Storage.PostgreSQL;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace FamilyLinkBot.Storage.PostgreSQL;

/// <summary>
/// <c>migrate-to-postgres --from PATH</c> (docs/DESIGN.md#12-scale-out): brings the configured PostgreSQL database to
/// this program's schema, copies the SQLite deployment at PATH into it with <see cref="SqliteToPostgresCopier"/> (rows as
/// they are: nothing is decrypted, so the same master key reads them), prints rows per table, and says whether the
/// configured master key matches the copied data. Exit codes: 0 copied, 1 refused or failed (nothing copied),
/// 2 the command line or configuration is wrong (nothing done).
/// </summary>
public static class MigrateToPostgresCommand
{
    public const string Name = "migrate-to-postgres";

    private const string TargetKeys =
        "Storage:Provider=PostgreSQL and Storage:ConnectionString=Host=…;Port=…;Database=…;Username=…;Password=… (environment: Storage__Provider, Storage__ConnectionString)";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var index = Array.IndexOf(args, "--from");
        if (index < 0 || index + 1 >= args.Length)
        {
            await error.WriteLineAsync($"Usage: {Name} --from <path of the SQLite database, e.g. data/familylinkbot.db>, with {TargetKeys}.");
            return 2;
        }

        var from = args[index + 1];
        var configuration = Program.CreateBuilder(args.Where((_, i) => i != index && i != index + 1).Skip(1).ToArray()).Configuration;
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.Provider != StorageProvider.PostgreSQL)
        {
            await error.WriteLineAsync($"Configuration error: {Name} copies into PostgreSQL, and Storage:Provider is {storage.Provider}. Set {TargetKeys}.");
            return 2;
        }

        if (!File.Exists(from))
        {
            await error.WriteLineAsync($"The SQLite database {Path.GetFullPath(from)} does not exist (--from). Name the bot's database file, e.g. data/familylinkbot.db.");
            return 2;
        }

        SqlDialect dialect;
        try
        {
            dialect = storage.CreateDialect();
        }
        catch (InvalidOperationException ex)
        {
            await error.WriteLineAsync($"Configuration error: {ex.Message}");
            return 2;
        }

        using var database = new Database(dialect);
        try
        {
            var version = await new Migrator(database).MigrateAsync(cancellationToken);
            await output.WriteLineAsync($"Migrated {dialect.Location} to schema version {version.ToString(CultureInfo.InvariantCulture)}.");

            await using var connection = (NpgsqlConnection)await database.OpenAsync(cancellationToken);
            var copied = await new SqliteToPostgresCopier(version).CopyAsync(from, connection, cancellationToken);
            await output.WriteLineAsync($"Copied {Path.GetFullPath(from)} (read only; rows as they are, nothing decrypted):");
            var width = copied.Max(t => t.Name.Length);
            foreach (var table in copied)
            {
                await output.WriteLineAsync($"  {table.Name.PadRight(width)}  {table.Rows.ToString(CultureInfo.InvariantCulture),9}");
            }

            await output.WriteLineAsync(
                $"  {copied.Count.ToString(CultureInfo.InvariantCulture)} tables, {copied.Sum(t => t.Rows).ToString(CultureInfo.InvariantCulture)} rows.");

            var crypto = configuration.GetSection("Crypto").Get<CryptoOptions>() ?? new CryptoOptions();
            await output.WriteLineAsync(await KeyVerdictAsync(connection, crypto, cancellationToken));
            await output.WriteLineAsync(
                "Next: point the bot at this database (Storage__Provider=PostgreSQL and the same Storage__ConnectionString), keep " +
                "Crypto:MasterKeyPath on the same key file, run check, then start the bot. Keep " + Path.GetFullPath(from) +
                " and the key file: the same master key reads the copied data, and the file is the state before the move.");
            return 0;
        }
        catch (StartupException ex)
        {
            await error.WriteLineAsync("Nothing copied: " + ex.Message);
            return 1;
        }
        catch (InvalidOperationException ex)
        {
            await error.WriteLineAsync("Nothing copied: " + ex.Message); // the migrator's refusals (a newer schema): no data in them
            return 1;
        }
        catch (DbException ex)
        {
            await error.WriteLineAsync("Nothing copied: " + DatabaseProblem.Describe(storage, dialect, ex));
            return 1;
        }
    }

    /// <summary>
    /// Whether the configured master key matches the key check value the copied deployment keeps in <c>meta</c>
    /// (docs/DESIGN.md#3-cryptography). Only the check value is compared: nothing is decrypted, and the key is not
    /// needed for the copy itself.
    /// </summary>
    private static async Task<string> KeyVerdictAsync(NpgsqlConnection connection, CryptoOptions crypto, CancellationToken cancellationToken)
    {
        var keyCheck = await MetaAsync(connection, KeyStore.KeyCheckName, cancellationToken);
        if (keyCheck is null)
        {
            return "The copied data holds no key check yet (the SQLite deployment never stored a key); the first start sets one up.";
        }

        var where = !string.IsNullOrWhiteSpace(crypto.MasterKey) ? "Crypto:MasterKey" : $"{Path.GetFullPath(crypto.MasterKeyPath)} (Crypto:MasterKeyPath)";
        byte[]? key;
        try
        {
            key = MasterKeySource.TryLoad(crypto);
        }
        catch (MasterKeyException ex)
        {
            return $"Warning: the configured master key cannot be loaded ({ex.Message}). Before starting, point Crypto:MasterKeyPath at the SQLite deployment's key file.";
        }

        if (key is null)
        {
            return $"Warning: no master key found at {where} or in Crypto:MasterKey. The copied data needs the SQLite deployment's key: point Crypto:MasterKeyPath at that file before starting.";
        }

        using var ring = KeyRing.FromMasterKey(key);
        Array.Clear(key);
        if (ring.Matches(keyCheck))
        {
            return $"The master key in {where} matches the copied data.";
        }

        var rotation = await MetaAsync(connection, KeyStore.RotationKeyCheckName, cancellationToken);
        return rotation is not null && ring.Matches(rotation)
            ? $"Warning: the master key in {where} is the target of a key rotation the SQLite deployment had not finished; finish it with rotate-key before starting."
            : $"Warning: the master key in {where} does not match the copied data; the bot would refuse to start with it. Use the SQLite deployment's key file.";
    }

    private static async Task<byte[]?> MetaAsync(NpgsqlConnection connection, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT value FROM meta WHERE key = @key;", connection);
        command.Parameters.AddWithValue("key", key);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }
}
