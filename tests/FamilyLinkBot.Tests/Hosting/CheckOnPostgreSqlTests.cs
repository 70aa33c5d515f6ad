using System.Net;
using System.Net.Sockets;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.EndToEnd;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.Hosting;

/// <summary>
/// <c>check</c> with <c>Storage:Provider=PostgreSQL</c>, over the real program (docs/DESIGN.md#12-scale-out): it reports
/// whether the server answers, the schema version and whether the key matches, and creates nothing.
/// </summary>
public sealed class CheckOnPostgreSqlTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private BotApiEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await BotApiEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _folder.Dispose();
    }

    private string KeyPath => _folder.File("master.key");

    [PostgresFact]
    public async Task CheckOnAnEmptyDatabaseSaysTheFirstStartCreatesTheSchemaAndCreatesNothing()
    {
        await using var postgres = await PostgresDatabase.CreateAsync();

        var (code, output, error) = await CheckAsync(postgres.ConnectionString, KeyPath);

        Assert.True(code == 0, output + error);
        Assert.Contains($"ok       database PostgreSQL database {postgres.Name} on ", output);
        Assert.Contains($"ok       schema: none yet; the first start creates it (version {Migrator.LatestVersion})", output);
        Assert.Contains("ok       master key: none yet", output);
        Assert.Contains("All checks passed.", output);
        Assert.Equal(0L, await ScalarAsync(postgres, "SELECT COUNT(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace;"));
        Assert.False(File.Exists(KeyPath));
    }

    [PostgresFact]
    public async Task CheckAfterTheBotRanReportsTheSchemaVersionAndWhetherTheKeyMatches()
    {
        await using var postgres = await PostgresDatabase.CreateAsync();
        var onPostgres = new Dictionary<string, string?> { ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = postgres.ConnectionString };
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, onPostgres))
        {
            await CaseFlowTests.OnboardAsync(_emulator);
        }

        var tablesBefore = await ScalarAsync(postgres, "SELECT COUNT(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace;");
        var (code, output, _) = await CheckAsync(postgres.ConnectionString, KeyPath);

        Assert.True(code == 0, output);
        Assert.Contains($"ok       schema version {Migrator.LatestVersion}", output);
        Assert.Contains("ok       master key matches the database", output);
        Assert.Equal(tablesBefore, await ScalarAsync(postgres, "SELECT COUNT(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace;"));

        var otherKey = _folder.File("other.key");
        Array.Clear(MasterKeySource.CreateFile(otherKey));
        (code, output, _) = await CheckAsync(postgres.ConnectionString, otherKey);

        Assert.Equal(1, code);
        Assert.Contains("PROBLEM  key: The master key does not match this database", output);
        Assert.Contains("1 problem(s) found.", output);
    }

    [Fact]
    public async Task CheckWithAnUnreachableServerSaysSoInOneLineWithoutATrace()
    {
        var port = FreePort();

        var (code, output, error) = await CheckAsync($"Host=127.0.0.1;Port={port};Database=flb;Username=flb;Password=secret-password", KeyPath);

        Assert.Equal(1, code);
        var problem = Assert.Single(output.Split('\n'), l => l.StartsWith("PROBLEM", StringComparison.Ordinal));
        Assert.Equal($"PROBLEM  database: cannot reach PostgreSQL at 127.0.0.1:{port} (Storage:ConnectionString).", problem);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-password", output + error, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    private Task<(int ExitCode, string Output, string Error)> CheckAsync(string connectionString, string keyPath) =>
        ProgramProcess.RunAsync(
            _folder.Path,
            new Dictionary<string, string>
            {
                ["Telegram__BotToken"] = _emulator.Token,
                ["Telegram__ApiBaseUrl"] = _emulator.BaseUrl,
                ["Storage__Provider"] = "PostgreSQL",
                ["Storage__ConnectionString"] = connectionString,
                ["Crypto__MasterKeyPath"] = keyPath,
            },
            "check");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again on dispose: nothing listens there afterwards
    }

    private static async Task<long> ScalarAsync(PostgresDatabase postgres, string sql)
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
