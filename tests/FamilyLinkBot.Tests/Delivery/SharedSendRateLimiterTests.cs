using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FamilyLinkBot.Tests.Delivery;

/// <summary>
/// The send window shared through the database (docs/DESIGN.md#12-scale-out): two instances together never put more
/// than the limit into any one-second window, and together still use it. PostgreSQL only (on SQLite one process keeps
/// the window in memory); it runs in CI's PostgreSQL pass.
/// </summary>
public sealed class SharedSendRateLimiterTests : IDisposable
{
    private const int Limit = 10;
    private readonly TempFolder _folder = new();
    private readonly List<Database> _databases = [];

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task TwoInstancesTogetherStayWithinOneWindowAndStillUseIt()
    {
        if (!TestStore.IsPostgreSql)
        {
            return; // one process per SQLite file: SlidingWindowRateLimiterTests cover its window
        }

        using var databaseA = TestStore.DatabaseFor(_folder.Path);
        using var databaseB = TestStore.DatabaseFor(_folder.Path);
        await new Migrator(databaseA).MigrateAsync();
        var limiters = new[] { databaseA, databaseB }
            .Select(db => Limiter(db, new TelegramCircuit(NullLogger<TelegramCircuit>.Instance)))
            .ToArray();

        // Four senders per instance, each answered at once, for three seconds; one in five is refunded (a gateway answer).
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var refunded = 0;
        var senders = limiters.SelectMany(limiter => Enumerable.Range(0, 4).Select(async n =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                ISendSlot slot;
                try
                {
                    slot = await limiter.AcquireAsync(n == 0 ? Lane.Interactive : Lane.Bulk, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                if (++i % 5 == 0)
                {
                    slot.Refund();
                    Interlocked.Increment(ref refunded);
                }
                else
                {
                    slot.Dispose();
                }
            }
        }));
        await Task.WhenAll(senders);
        await Task.Delay(500); // answers and refunds are written off the sending path

        var granted = new List<long>();
        await using (var connection = await TestStore.OpenAsync(Path.Combine(_folder.Path, "bot.db")))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT granted_at FROM send_slots ORDER BY granted_at;";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                granted.Add(reader.GetInt64(0));
            }
        }

        // Each counted request was granted only once the one `Limit` grants earlier had arrived a window ago.
        for (var i = Limit; i < granted.Count; i++)
        {
            Assert.True(granted[i] - granted[i - Limit] >= 1000, $"{Limit + 1} requests within {granted[i] - granted[i - Limit]} ms");
        }

        // And the two together used the window: about Limit a second over three seconds.
        Assert.InRange(granted.Count, 2 * Limit, 4 * Limit);
        Assert.True(refunded > 0);
        foreach (var limiter in limiters)
        {
            limiter.Dispose();
        }
    }

    [Fact]
    public async Task A429OnOneInstanceHoldsTheOtherBackForRetryAfter()
    {
        if (!TestStore.IsPostgreSql)
        {
            return; // one process per SQLite file: the dispatcher's own pause covers it (OutboxDispatcherTests)
        }

        var (a, b, _, _) = await TwoAsync();
        using (a)
        using (b)
        {
            (await b.AcquireAsync(Lane.Bulk, CancellationToken.None)).Dispose(); // the window works

            a.TelegramAskedToWait(TimeSpan.FromSeconds(2));
            await Task.Delay(300); // written for everyone off a's sending path, at once
            var clock = System.Diagnostics.Stopwatch.StartNew();
            (await b.AcquireAsync(Lane.Interactive, CancellationToken.None)).Dispose();
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task AnOutageFoundByOneInstanceHoldsTheOtherUntilItsProbeIsAnswered()
    {
        if (!TestStore.IsPostgreSql)
        {
            return; // one process per SQLite file: its circuit is the only one (TelegramCircuitTests)
        }

        var (a, b, circuitA, _) = await TwoAsync();
        using (a)
        using (b)
        {
            // a finds Telegram unreachable: five failures from two senders open its circuit.
            for (var i = 0; i < TelegramCircuit.FailuresToOpen; i++)
            {
                circuitA.Unreachable(i % 2 == 0 ? 1 : 2);
            }

            Assert.True(circuitA.IsOpen);
            (await a.AcquireAsync(Lane.Bulk, CancellationToken.None)).Dispose(); // its probe's grant marks the outage

            // b gets nothing while a probes…
            using var held = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await b.AcquireAsync(Lane.Interactive, held.Token));

            // …and sends again within a few seconds of Telegram answering a's probe.
            circuitA.Answered();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var resumed = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            (await b.AcquireAsync(Lane.Interactive, resumed.Token)).Dispose();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"b resumed after {clock.Elapsed.TotalSeconds:0.0} s");
        }
    }

    [Fact]
    public async Task AnOutageMarkOfADeadInstanceRunsOut()
    {
        if (!TestStore.IsPostgreSql)
        {
            return;
        }

        var (a, b, _, _) = await TwoAsync();
        using (a)
        using (b)
        {
            // A mark left by an instance that died (it never clears it) holds the others only until it runs out.
            await using (var connection = await TestStore.OpenAsync(Path.Combine(_folder.Path, "bot.db")))
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = """
                    INSERT INTO send_pause (id, outage_until, outage_by)
                    VALUES (1, CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS bigint) + 2000, 'dead-instance');
                    """;
                await command.ExecuteNonQueryAsync();
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            (await b.AcquireAsync(Lane.Interactive, CancellationToken.None)).Dispose();
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        }
    }

    private async Task<(SharedSendRateLimiter A, SharedSendRateLimiter B, TelegramCircuit CircuitA, TelegramCircuit CircuitB)> TwoAsync()
    {
        var databaseA = TestStore.DatabaseFor(_folder.Path);
        var databaseB = TestStore.DatabaseFor(_folder.Path);
        _databases.Add(databaseA);
        _databases.Add(databaseB);
        await new Migrator(databaseA).MigrateAsync();
        var circuitA = new TelegramCircuit(NullLogger<TelegramCircuit>.Instance);
        var circuitB = new TelegramCircuit(NullLogger<TelegramCircuit>.Instance);
        return (Limiter(databaseA, circuitA), Limiter(databaseB, circuitB), circuitA, circuitB);
    }

    private static SharedSendRateLimiter Limiter(Database database, TelegramCircuit circuit) => new(
        database, new SlidingWindowRateLimiter(Limit, TimeSpan.FromSeconds(1), TimeProvider.System), circuit, Limit, TimeSpan.FromSeconds(1),
        NullLogger<SharedSendRateLimiter>.Instance);
}
