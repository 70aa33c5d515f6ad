using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.EndToEnd;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FamilyLinkBot.Tests.Hosting;

/// <summary>
/// <c>migrate-to-postgres --from PATH</c> over the real program (docs/DESIGN.md#12-scale-out): an SQLite deployment
/// moves into PostgreSQL as it is, and the bot started on PostgreSQL with the same key file reads it back.
/// </summary>
public sealed class MigrateToPostgresTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly TempFolder _workingFolder = new();
    private BotApiEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await BotApiEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
        _workingFolder.Dispose();
    }

    private string SqlitePath => _folder.File("bot.db");

    private string KeyPath => _folder.File("master.key");

    private Dictionary<string, string?> OnSqlite => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["Storage:ConnectionString"] = $"Data Source={SqlitePath}",
    };

    [PostgresFact]
    public async Task MigratedDeploymentStartsOnPostgreSqlWithTheSameKeyAndShowsTheFamilysCase()
    {
        ChatDriver family;
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, OnSqlite))
        {
            family = await CaseFlowTests.OnboardAsync(_emulator);
            await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        }

        await using var postgres = await PostgresDatabase.CreateAsync();
        var (code, output, error) = await MigrateAsync(postgres.ConnectionString);

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Empty(error);
        Assert.Matches(@"(?m)^  chats +1$", output);
        Assert.Matches(@"(?m)^  cases +1$", output);
        Assert.Contains($"The master key in {KeyPath} (Crypto:MasterKeyPath) matches the copied data.", output);
        Assert.StartsWith("Next: point the bot at this database", output.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("Mi-rae", output, StringComparison.Ordinal);
        Assert.True(File.Exists(SqlitePath), "the SQLite file is kept");

        var onPostgres = new Dictionary<string, string?> { ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = postgres.ConnectionString };
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, onPostgres))
        {
            Assert.IsType<PostgreSqlDialect>(bot.Service<Database>().Dialect);
            var cases = await family.Says("/cases");
            Assert.Contains("Mi-rae", cases.Text, StringComparison.Ordinal);
        }
    }

    [PostgresFact]
    public async Task MigrationIntoADatabaseThatHoldsDataIsRefusedAndChangesNothing()
    {
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, OnSqlite))
        {
            await CaseFlowTests.RegisterAsync(await CaseFlowTests.OnboardAsync(_emulator), "Mi-rae");
        }

        await using var postgres = await PostgresDatabase.CreateAsync();
        Assert.Equal(0, (await MigrateAsync(postgres.ConnectionString)).ExitCode);
        var before = await CountAsync(postgres, "SELECT COUNT(*) FROM cases;");

        var (code, output, error) = await MigrateAsync(postgres.ConnectionString);

        Assert.Equal(1, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("Nothing copied: The PostgreSQL database already holds rows", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Copied", output, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(postgres, "SELECT COUNT(*) FROM cases;"));
    }

    [PostgresFact]
    public async Task MigrationWithAnotherKeyConfiguredCopiesAndWarnsThatTheKeyDoesNotMatch()
    {
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, OnSqlite))
        {
            await CaseFlowTests.OnboardAsync(_emulator);
        }

        var otherKey = _folder.File("other.key");
        Array.Clear(MasterKeySource.CreateFile(otherKey));
        await using var postgres = await PostgresDatabase.CreateAsync();

        var (code, output, _) = await MigrateAsync(postgres.ConnectionString, otherKey);

        Assert.Equal(0, code);
        Assert.Contains($"Warning: the master key in {otherKey} (Crypto:MasterKeyPath) does not match the copied data", output);
        Assert.Equal(1L, await CountAsync(postgres, "SELECT COUNT(*) FROM chats;"));
    }

    [PostgresFact]
    public async Task MigrationWithoutAKeyFileCopiesAndWarnsThatNoKeyWasFound()
    {
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, OnSqlite))
        {
            await CaseFlowTests.OnboardAsync(_emulator);
        }

        await using var postgres = await PostgresDatabase.CreateAsync();

        var (code, output, _) = await MigrateAsync(postgres.ConnectionString, _folder.File("missing.key"));

        Assert.Equal(0, code);
        Assert.Contains("Warning: no master key found at", output);
        Assert.False(File.Exists(_folder.File("missing.key")), "the command never creates a key");
    }

    [Fact]
    public async Task MigrationWithTheSqliteProviderIsRefusedNamingTheKeys()
    {
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, OnSqlite))
        {
        }

        var (code, output, error) = await ProgramProcess.RunAsync(
            _workingFolder.Path,
            new Dictionary<string, string> { ["Storage__Provider"] = "Sqlite", ["Storage__ConnectionString"] = $"Data Source={_folder.File("target.db")}" },
            "migrate-to-postgres", "--from", SqlitePath);

        Assert.Equal(2, code);
        Assert.Empty(output);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("Configuration error: migrate-to-postgres copies into PostgreSQL, and Storage:Provider is Sqlite.", line, StringComparison.Ordinal);
        Assert.Contains("Storage:ConnectionString", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.File("target.db")));
    }

    [Fact]
    public async Task MigrationFromAMissingFileIsRefusedInOneLineBeforeConnecting()
    {
        // No server listens on the target: the missing file is reported first, and nothing is attempted.
        var (code, output, error) = await ProgramProcess.RunAsync(
            _workingFolder.Path,
            new Dictionary<string, string> { ["Storage__Provider"] = "PostgreSQL", ["Storage__ConnectionString"] = "Host=127.0.0.1;Port=9;Database=flb;Username=flb" },
            "migrate-to-postgres", "--from", _folder.File("missing.db"));

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal($"The SQLite database {_folder.File("missing.db")} does not exist (--from). Name the bot's database file, e.g. data/familylinkbot.db.", error.Trim());
    }

    private Task<(int ExitCode, string Output, string Error)> MigrateAsync(string target, string? keyPath = null) =>
        ProgramProcess.RunAsync(
            _workingFolder.Path,
            new Dictionary<string, string>
            {
                ["Storage__Provider"] = "PostgreSQL",
                ["Storage__ConnectionString"] = target,
                ["Crypto__MasterKeyPath"] = keyPath ?? KeyPath,
            },
            "migrate-to-postgres", "--from", SqlitePath);

    private static async Task<long> CountAsync(PostgresDatabase postgres, string sql)
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
