using FamilyLinkBot.Storage;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.Storage;

public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private Database _database = null!;

    public async Task InitializeAsync()
    {
        _database = new Database("Data Source=" + _folder.File("group.db"));
        await using var connection = await _database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, value INTEGER NOT NULL CHECK (value >= 0));";
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync()
    {
        _database.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ConcurrentWritesAreAllCommittedInFewerTransactions()
    {
        var transactions = new HashSet<UnitOfWork>();
        var writer = new GroupCommit<int, int>(_database, async (db, value) =>
        {
            lock (transactions)
            {
                transactions.Add(db);
            }

            await InsertAsync(db, value);
            return value * 2;
        });
        var run = writer.RunAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => writer.WriteAsync(i))));
        writer.Complete();
        await run;

        Assert.Equal(Enumerable.Range(0, 500).Select(i => i * 2), results);
        Assert.Equal(500, await CountAsync());
        Assert.True(transactions.Count < 500, $"{transactions.Count} transactions for 500 writes");
    }

    [Fact]
    public async Task ABadWriteFailsAloneAndTheRestOfItsBatchIsKept()
    {
        using var gate = new SemaphoreSlim(0);
        var held = 0;
        var writer = new GroupCommit<int, int>(_database, async (db, value) =>
        {
            if (value == 0 && Interlocked.Exchange(ref held, 1) == 0)
            {
                await gate.WaitAsync(); // holds the first batch so the next writes queue up together
            }

            await InsertAsync(db, value); // -1 breaks the CHECK constraint
            return value;
        });
        var run = writer.RunAsync();

        var first = writer.WriteAsync(0);
        var batch = new[] { 1, 2, -1, 3, 4 }.Select(writer.WriteAsync).ToList();
        gate.Release();

        Assert.Equal(0, await first);
        await Assert.ThrowsAnyAsync<Exception>(() => batch[2]);
        Assert.Equal(new[] { 1, 2, 3, 4 }, await Task.WhenAll(batch.Where((_, i) => i != 2)));
        writer.Complete();
        await run;
        Assert.Equal(5, await CountAsync());
    }

    [Fact]
    public async Task AfterCompleteQueuedWritesFinishAndNewOnesAreRefused()
    {
        var writer = new GroupCommit<int, int>(_database, async (db, value) =>
        {
            await InsertAsync(db, value);
            return value;
        });

        var queued = writer.WriteAsync(7);
        writer.Complete();
        await writer.RunAsync();

        Assert.Equal(7, await queued);
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(8));
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task AWriterWaitsInTheProcessQueueAndCanBeCancelledThere()
    {
        // Without the in-process queue the second BEGIN IMMEDIATE would sit in SQLite's busy handler, deaf to the
        // token, and fail with SQLITE_BUSY only after busy_timeout (10 s).
        await using (var holder = await _database.BeginAsync())
        {
            await InsertAsync(holder, 1);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _database.BeginAsync(cancel.Token));

            var waiting = Task.Run(async () =>
            {
                await using var db = await _database.BeginAsync();
                await InsertAsync(db, 2);
                await db.CommitAsync();
            });
            await Task.Delay(100);
            Assert.False(waiting.IsCompleted);
            await holder.CommitAsync();
            await holder.DisposeAsync();
            await waiting;
        }

        Assert.Equal(2, await CountAsync());
    }

    [Fact]
    public async Task AWriteRolledBackOrFailedReleasesTheLock()
    {
        await using (var db = await _database.BeginAsync())
        {
            await InsertAsync(db, 1);
        }

        await using (var db = await _database.BeginAsync())
        {
            await Assert.ThrowsAnyAsync<Exception>(() => InsertAsync(db, -1));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await using (var db = await _database.BeginAsync(timeout.Token))
        {
            await InsertAsync(db, 2);
            await db.CommitAsync();
        }

        Assert.Equal(1, await CountAsync());
    }

    private static async Task InsertAsync(UnitOfWork db, int value)
    {
        await using var command = db.Command("INSERT INTO t (value) VALUES (@v);").With("@v", value);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync()
    {
        await using var connection = await _database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM t;";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
