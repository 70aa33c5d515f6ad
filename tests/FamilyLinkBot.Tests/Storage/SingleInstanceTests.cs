using FamilyLinkBot.Hosting;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FamilyLinkBot.Tests.Storage;

/// <summary>
/// What one instance at a time may do against a database (docs/DESIGN.md#12-scale-out): poll Telegram, and run the
/// singleton roles (feed polling, fan-outs, sweepers), which another instance takes over when the holder dies. Runs
/// on the engine TestStore chooses, so on both in CI.
/// </summary>
public sealed class SingleInstanceTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private BotApiEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await BotApiEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task ASecondPollerOnTheSameDatabaseIsRefusedWithAClearMessage()
    {
        await using var first = await TestBot.StartAsync(_emulator, _folder.Path);
        await using var other = await BotApiEmulator.StartAsync();

        var refused = await Assert.ThrowsAsync<StartupException>(() => TestBot.StartAsync(other, _folder.Path));

        Assert.Contains("Another instance is already polling Telegram with this database", refused.Message, StringComparison.Ordinal);
        Assert.Contains("webhook mode on PostgreSQL", refused.Message, StringComparison.Ordinal);
        // The first one still answers.
        Assert.NotNull(await _emulator.Driver(_emulator.CreateUser()).Says("/start"));
    }

    [Fact]
    public async Task PollingIsFreeAgainOnceThePollerStops()
    {
        await (await TestBot.StartAsync(_emulator, _folder.Path)).DisposeAsync();

        await using var again = await TestBot.StartAsync(_emulator, _folder.Path);

        Assert.NotNull(await _emulator.Driver(_emulator.CreateUser()).Says("/start"));
    }

    [Fact]
    public async Task ARoleHasOneHolderAndIsTakenOverWhenItsHolderDies()
    {
        using var databaseA = TestStore.DatabaseFor(_folder.Path);
        using var databaseB = TestStore.DatabaseFor(_folder.Path);
        await new Migrator(databaseA).MigrateAsync();
        var a = new SingletonLeases(databaseA, TimeProvider.System, NullLogger<SingletonLeases>.Instance);
        var b = new SingletonLeases(databaseB, TimeProvider.System, NullLogger<SingletonLeases>.Instance);
        try
        {
            await a.WaitForTurnAsync("feed polling", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            var bTurn = b.WaitForTurnAsync("feed polling", CancellationToken.None);
            if (!TestStore.IsPostgreSql)
            {
                // One process per SQLite file: every role is its own.
                await bTurn.WaitAsync(TimeSpan.FromSeconds(10));
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(bTurn.IsCompleted, "two instances held one role");

            // The holder dies: the server ends its session, as it does when a killed process's connection drops.
            await TerminateSessionsHoldingLocksAsync();
            var started = DateTime.UtcNow;
            await bTurn.WaitAsync(SingletonLeases.RetryInterval * 3);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));

            // The old holder notices it lost the role and waits for it instead of running beside the new one.
            var aAgain = a.WaitForTurnAsync("feed polling", CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(aAgain.IsCompleted, "the old holder kept running after losing the role");
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    /// <summary>Ends the server sessions of this test's database that hold an advisory lock (PostgreSQL only).</summary>
    private async Task TerminateSessionsHoldingLocksAsync()
    {
        await using var connection = (NpgsqlConnection)await TestStore.OpenAsync(Path.Combine(_folder.Path, "bot.db"));
        await using var command = connection.CreateCommand();
        // Only the first holder holds a lock now; the waiting one holds none between its tries.
        command.CommandText =
            "SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid " +
            "WHERE l.locktype = 'advisory' AND a.datname = current_database();";
        await command.ExecuteNonQueryAsync();
    }
}
