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

    public void Dispose() => _folder.Dispose();

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
            .Select(db => new SharedSendRateLimiter(
                db, new SlidingWindowRateLimiter(Limit, TimeSpan.FromSeconds(1), TimeProvider.System), Limit, TimeSpan.FromSeconds(1),
                NullLogger<SharedSendRateLimiter>.Instance))
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
    }
}
