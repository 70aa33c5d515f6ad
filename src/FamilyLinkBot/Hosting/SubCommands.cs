using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Telegram;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace FamilyLinkBot.Hosting;

/// <summary>
/// The program's sub-commands (SPEC §9): <c>keygen</c>, <c>rotate-key --new PATH</c>, <c>check</c> and <c>sandbox</c> (§11). Each prints
/// what it did or what is wrong, never a key or the token, and returns the process exit code.
/// </summary>
public static class SubCommands
{
    public static bool IsSubCommand(string[] args) => args.Length > 0 && args[0] is "keygen" or "rotate-key" or "check" or "sandbox";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        try
        {
            return args[0] switch
            {
                "keygen" => Keygen(args, output, error),
                "rotate-key" => await RotateKeyAsync(args, output, error, cancellationToken),
                "sandbox" => await Sandbox.SandboxCommand.RunAsync(args[1..], output, error, cancellationToken),
                _ => await CheckAsync(args, output, cancellationToken),
            };
        }
        catch (Exception ex) when (ex is StartupException or MasterKeyException or OptionsValidationException)
        {
            await error.WriteLineAsync(ex is OptionsValidationException v ? string.Join(Environment.NewLine, v.Failures) : ex.Message);
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
        var result = await new KeyRotation(new Database(storage.ConnectionString)).RotateAsync(CryptoOptionsFrom(builder.Configuration), newPath, cancellationToken);
        SqliteConnection.ClearAllPools();
        await output.WriteLineAsync(result.AlreadyDone
            ? $"The database already uses the key in {newPath}; nothing to do."
            : $"Re-wrapped {result.Rewrapped} data keys under the key in {Path.GetFullPath(newPath)}" +
              (result.CreatedKeyFile ? " (a new file, mode 0600)" : "") +
              ". Point Crypto:MasterKeyPath at it (or replace the old file with it) before the next start; the old key is no longer needed.");
        return 0;
    }

    /// <summary>Checks configuration, key, database and the Bot API; prints each problem; non-zero when any.</summary>
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
        try
        {
            foreach (var validate in OptionValidations(services))
            {
                validate();
            }

            Report(true, "configuration");
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                Report(false, "configuration: " + failure);
            }

            return 1;
        }

        var database = services.GetRequiredService<Database>();
        try
        {
            var exists = File.Exists(database.FilePath);
            await services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
            await using (var connection = await database.OpenAsync(cancellationToken))
            await using (var integrity = connection.CreateCommand())
            {
                integrity.CommandText = "PRAGMA quick_check;";
                var result = await integrity.ExecuteScalarAsync(cancellationToken) as string;
                Report(result == "ok", $"database {database.FilePath}" + (exists ? "" : " (created now, empty)") + (result == "ok" ? "" : ": " + result));
            }

            var keys = services.GetRequiredService<KeyStore>();
            var keyExisted = MasterKeySource.TryLoad(services.GetRequiredService<IOptions<CryptoOptions>>().Value) is not null;
            await keys.InitializeAsync(cancellationToken);
            Report(true, keyExisted ? "master key matches the database" : "master key created (the database was empty)");
        }
        catch (Exception ex) when (ex is StartupException or MasterKeyException or SqliteException or InvalidOperationException)
        {
            Report(false, ex is SqliteException ? "database: " + ex.GetType().Name + " " + ((SqliteException)ex).SqliteErrorCode : "key: " + ex.Message);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            var me = await services.GetRequiredService<ITelegramBotClient>().GetMe(timeout.Token);
            Report(true, "Bot API reachable; the token belongs to @" + me.Username);
        }
        catch (ApiRequestException ex) when (ex.ErrorCode == 401)
        {
            Report(false, "Bot API: the token was refused (401). Copy it again from @BotFather.");
        }
        catch (Exception ex) when (ex is HttpRequestException or RequestException or OperationCanceledException)
        {
            Report(false, "Bot API unreachable (" + ex.GetType().Name + "). Check Telegram:ApiBaseUrl and the network.");
        }

        output.WriteLine(problems == 0 ? "All checks passed." : $"{problems} problem(s) found.");
        return problems == 0 ? 0 : 1;
    }

    private static IEnumerable<Action> OptionValidations(IServiceProvider services) =>
    [
        () => _ = services.GetRequiredService<IOptions<TelegramOptions>>().Value,
        () => _ = services.GetRequiredService<IOptions<StorageOptions>>().Value,
        () => _ = services.GetRequiredService<IOptions<CryptoOptions>>().Value,
        () => _ = services.GetRequiredService<IOptions<Conversations.ConversationOptions>>().Value,
        () => _ = services.GetRequiredService<IOptions<Delivery.DeliveryOptions>>().Value,
        () => _ = services.GetRequiredService<IOptions<Privacy.PrivacyOptions>>().Value,
        () => _ = services.GetRequiredService<IOptions<Privacy.RetentionOptions>>().Value,
        () => _ = services.GetRequiredService<IOptions<AdminOptions>>().Value,
        () => _ = services.GetRequiredService<IOptions<Alerts.NewsOptions>>().Value,
    ];

    private static CryptoOptions CryptoOptionsFrom(string[] args) => CryptoOptionsFrom(Program.CreateBuilder(args.Skip(1).ToArray()).Configuration);

    private static CryptoOptions CryptoOptionsFrom(ConfigurationManager configuration) =>
        configuration.GetSection("Crypto").Get<CryptoOptions>() ?? new CryptoOptions();
}
