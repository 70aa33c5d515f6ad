using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Storage.PostgreSQL;
using FamilyLinkBot.Telegram;
using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace FamilyLinkBot.Hosting;

/// <summary>
/// The program's sub-commands (docs/DESIGN.md#9-running-it): <c>keygen</c>, <c>rotate-key --new PATH</c>, <c>check</c>,
/// <c>migrate-to-postgres --from PATH</c> (docs/DESIGN.md#12-scale-out) and <c>sandbox</c> (docs/DESIGN.md#11-sandbox). Each prints
/// what it did or what is wrong, never a key or the token, and returns the process exit code. The arguments were
/// checked by <see cref="CommandLine"/> first.
/// </summary>
public static class SubCommands
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        try
        {
            return args[0] switch
            {
                "keygen" => Keygen(args, output, error),
                "rotate-key" => await RotateKeyAsync(args, output, error, cancellationToken),
                MigrateToPostgresCommand.Name => await MigrateToPostgresCommand.RunAsync(args, output, error, cancellationToken),
                "sandbox" => await Sandbox.SandboxCommand.RunAsync(args[1..], output, error, cancellationToken),
                _ => await CheckAsync(args, output, cancellationToken),
            };
        }
        catch (Exception ex) when (ConfigurationValidation.Describe(ex) is { Count: > 0 } failures)
        {
            await error.WriteLineAsync(string.Join(Environment.NewLine, failures.Select(f => "Configuration error: " + f)));
            return 2;
        }
        catch (Exception ex) when (ex is StartupException or MasterKeyException)
        {
            await error.WriteLineAsync(ex.Message);
            return 2;
        }
    }

    private static int Keygen(string[] args, TextWriter output, TextWriter error)
    {
        var path = args.Length > 1 && !args[1].StartsWith('-') ? args[1] : CryptoOptionsFrom(args).MasterKeyPath;
        if (File.Exists(path))
        {
            error.WriteLine($"{path} exists already; it is never overwritten. Name another path: keygen <path>.");
            return 1;
        }

        var key = MasterKeySource.CreateFile(path);
        Array.Clear(key);
        output.WriteLine($"Wrote a new master key to {Path.GetFullPath(path)} (mode 0600). Keep a copy apart from database backups.");
        return 0;
    }

    private static async Task<int> RotateKeyAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var index = Array.IndexOf(args, "--new");
        if (index < 0 || index + 1 >= args.Length)
        {
            await error.WriteLineAsync("Usage: rotate-key --new <path of the new key file> (created if missing).");
            return 2;
        }

        var newPath = args[index + 1];
        var builder = Program.CreateBuilder(args.Where((_, i) => i != index && i != index + 1).Skip(1).ToArray());
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var dialect = storage.CreateDialect();
        var result = await new KeyRotation(new Database(dialect), new MetaStore()).RotateAsync(CryptoOptionsFrom(builder.Configuration), newPath, cancellationToken);
        dialect.ClearPools();
        await output.WriteLineAsync(result.AlreadyDone
            ? $"The database already uses the key in {newPath}; nothing to do."
            : $"Re-wrapped {result.Rewrapped} data keys under the key in {Path.GetFullPath(newPath)}" +
              (result.CreatedKeyFile ? " (a new file, mode 0600)" : "") +
              ". Point Crypto:MasterKeyPath at it (or replace the old file with it) before the next start; the old key is no longer needed.");
        if (result.CheckpointBlocked)
        {
            await output.WriteLineAsync("Note: a reader kept the final WAL checkpoint from finishing; until the next checkpoint the database files may still hold data keys wrapped under the old key.");
        }

        return 0;
    }

    /// <summary>
    /// Checks configuration, key, database and the Bot API; prints each problem; non-zero when any. Read-only: it
    /// creates no key, no database and no folder, and judges the configuration with the host's own validators.
    /// </summary>
    private static async Task<int> CheckAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var problems = 0;
        void Report(bool ok, string what)
        {
            output.WriteLine((ok ? "ok       " : "PROBLEM  ") + what);
            if (!ok)
            {
                problems++;
            }
        }

        var builder = Program.CreateBuilder(args.Skip(1).ToArray());
        using var host = builder.Build();
        var services = host.Services;
        var failures = ConfigurationValidation.Failures(services);
        foreach (var failure in failures)
        {
            Report(false, "configuration: " + failure);
        }

        if (failures.Count == 0)
        {
            try
            {
                _ = services.GetRequiredService<Alerts.MatchingRules>(); // loaded at start; a broken rules file stops the bot
                Report(true, "configuration");
            }
            catch (Alerts.MatchingRulesException ex)
            {
                Report(false, "configuration: News:RulesPath: " + ex.Message);
            }
        }

        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var crypto = CryptoOptionsFrom(builder.Configuration);
        SqlDialect? dialect = null;
        try
        {
            dialect = storage.CreateDialect();
            await CheckStoreAsync(dialect, crypto, Report, cancellationToken);
        }
        catch (Exception ex) when (ex is StartupException or MasterKeyException or DbException or InvalidOperationException)
        {
            Report(false, ex is DbException db && dialect is not null ? "database: " + DatabaseProblem.Describe(storage, dialect, db) : ex.Message);
        }
        finally
        {
            dialect?.Dispose();
        }

        if (failures.Any(f => f.StartsWith("Telegram:", StringComparison.Ordinal)))
        {
            Report(false, "Bot API: not checked until the Telegram settings are valid.");
        }
        else
        {
            var (ok, message) = await TelegramStartCheck.ProbeAsync(services.GetRequiredService<ITelegramBotClient>(), TimeSpan.FromSeconds(15), cancellationToken);
            Report(ok, message);
        }

        output.WriteLine(problems == 0 ? "All checks passed." : $"{problems} problem(s) found.");
        return problems == 0 ? 0 : 1;
    }

    /// <summary>The database (opened read-only, never created or migrated) and whether the key matches it.</summary>
    private static async Task CheckStoreAsync(SqlDialect dialect, CryptoOptions crypto, Action<bool, string> report, CancellationToken cancellationToken)
    {
        var path = dialect.Location;
        byte[]? keyCheck = null;
        byte[]? rotationCheck = null;
        var hasData = false;
        await using var connection = await dialect.OpenExistingForCheckAsync(cancellationToken);
        if (connection is null)
        {
            report(true, $"database {path} does not exist yet; the first start creates it");
        }
        else
        {
            var integrity = await dialect.IntegrityProblemAsync(connection, cancellationToken);
            var version = await dialect.SchemaVersionAsync(connection, null, cancellationToken);
            report(integrity is null, $"database {path}" + (integrity is null ? "" : ": " + integrity));
            report(version <= Migrator.LatestVersion, version == 0
                ? $"schema: none yet; the first start creates it (version {Migrator.LatestVersion})"
                : version == Migrator.LatestVersion
                ? $"schema version {version}"
                : version < Migrator.LatestVersion
                    ? $"schema version {version}; the next start migrates it to {Migrator.LatestVersion} (back up first)"
                    : $"schema version {version} is newer than this program ({Migrator.LatestVersion}): upgrade the program");
            if (version > 0)
            {
                keyCheck = await MetaAsync(connection, KeyStore.KeyCheckName, cancellationToken);
                rotationCheck = await MetaAsync(connection, KeyStore.RotationKeyCheckName, cancellationToken);
                hasData = keyCheck is not null || Convert.ToInt64(await ScalarAsync(connection, "SELECT EXISTS (SELECT 1 FROM chats);", cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != 0;
            }
        }

        var key = MasterKeySource.TryLoad(crypto);
        if (key is null)
        {
            report(!hasData, hasData
                ? $"key: the database holds data but no master key was found at '{crypto.MasterKeyPath}' (Crypto:MasterKeyPath) or in Crypto:MasterKey"
                : $"master key: none yet; the first start creates {Path.GetFullPath(crypto.MasterKeyPath)} (mode 0600)");
            return;
        }

        using var ring = KeyRing.FromMasterKey(key);
        Array.Clear(key);
        if (keyCheck is null)
        {
            report(true, "master key found; the database holds no data yet");
        }
        else if (ring.Matches(keyCheck))
        {
            report(true, "master key matches the database");
        }
        else
        {
            report(false, rotationCheck is not null && ring.Matches(rotationCheck)
                ? "key: a rotation to this key is still in progress; finish it with rotate-key"
                : "key: The master key does not match this database (Crypto:MasterKeyPath or Crypto:MasterKey)");
        }
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task<byte[]?> MetaAsync(DbConnection connection, string key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = @key;";
        command.With("@key", key);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    private static CryptoOptions CryptoOptionsFrom(string[] args) => CryptoOptionsFrom(Program.CreateBuilder(args.Skip(1).ToArray()).Configuration);

    private static CryptoOptions CryptoOptionsFrom(ConfigurationManager configuration) =>
        configuration.GetSection("Crypto").Get<CryptoOptions>() ?? new CryptoOptions();
}
