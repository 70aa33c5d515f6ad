using FamilyLinkBot.Caseworkers;
using FamilyLinkBot.Privacy;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Tests.Caseworkers;

/// <summary>
/// The look-up limit kept in the database (docs/DESIGN.md#43-caseworkers): one sliding minute per chat, which
/// instances sharing the database count together. Runs on the suite's store: SQLite by default, PostgreSQL in the
/// PostgreSQL pass (FLB_TEST_STORE=PostgreSQL), where the two instances are what a load balancer feeds.
/// </summary>
public sealed class TokenLookupLimiterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private TwoInstances _instances = null!;

    public async Task InitializeAsync() => _instances = await TwoInstances.StartAsync();

    public Task DisposeAsync()
    {
        _instances.Dispose();
        return Task.CompletedTask;
    }

    private static TokenLookupLimiter Limiter(int perMinute) =>
        new(new TokenLookupStore(), Options.Create(new CaseworkerOptions { TokenLookupsPerMinute = perMinute }));

    [Fact]
    public async Task LookupBeyondTheLimitWithinAMinuteIsRefused()
    {
        var limiter = Limiter(3);
        var a = await ChatAsync(1);
        var b = await ChatAsync(2);

        Assert.True(await TryAsync(_instances.A, limiter, a, Start));
        Assert.True(await TryAsync(_instances.A, limiter, a, Start.AddSeconds(10)));
        Assert.True(await TryAsync(_instances.A, limiter, a, Start.AddSeconds(20)));
        Assert.False(await TryAsync(_instances.A, limiter, a, Start.AddSeconds(30)));
        Assert.True(await TryAsync(_instances.A, limiter, b, Start.AddSeconds(30)));
    }

    [Fact]
    public async Task WindowSlidesAMinuteAfterEachLookup()
    {
        var limiter = Limiter(2);
        var a = await ChatAsync(1);
        await TryAsync(_instances.A, limiter, a, Start);
        await TryAsync(_instances.A, limiter, a, Start.AddSeconds(30));

        Assert.False(await TryAsync(_instances.A, limiter, a, Start.AddSeconds(59)));
        Assert.True(await TryAsync(_instances.A, limiter, a, Start.AddSeconds(60)));
        Assert.False(await TryAsync(_instances.A, limiter, a, Start.AddSeconds(61)));
        Assert.True(await TryAsync(_instances.A, limiter, a, Start.AddSeconds(90)));
    }

    [Fact]
    public async Task RefusedLookupsDoNotExtendTheWait()
    {
        var limiter = Limiter(1);
        var a = await ChatAsync(1);
        await TryAsync(_instances.A, limiter, a, Start);
        for (var s = 1; s < 60; s += 5)
        {
            Assert.False(await TryAsync(_instances.A, limiter, a, Start.AddSeconds(s)));
        }

        Assert.True(await TryAsync(_instances.A, limiter, a, Start.AddSeconds(60)));
    }

    [Fact]
    public async Task LookupInATransactionThatRollsBackIsNotCounted()
    {
        var limiter = Limiter(1);
        var a = await ChatAsync(1);
        await using (var db = await _instances.A.BeginAsync())
        {
            Assert.True(await limiter.TryAcquireAsync(db, a, Start, CancellationToken.None));
        }

        Assert.True(await TryAsync(_instances.A, limiter, a, Start.AddSeconds(1)));
    }

    [Fact]
    public async Task TwoInstancesTogetherAllowTheLimitNotTwiceIt()
    {
        // Each process has its own limiter object, as each has its own service provider.
        var (limiterA, limiterB) = (Limiter(4), Limiter(4));
        var a = await ChatAsync(1);

        var granted = 0;
        for (var i = 0; i < 8; i++)
        {
            var (database, limiter) = i % 2 == 0 ? (_instances.A, limiterA) : (_instances.B, limiterB);
            granted += await TryAsync(database, limiter, a, Start.AddSeconds(i)) ? 1 : 0;
        }

        Assert.Equal(4, granted);
        Assert.False(await TryAsync(_instances.A, limiterA, a, Start.AddSeconds(30)));
        Assert.False(await TryAsync(_instances.B, limiterB, a, Start.AddSeconds(30)));
    }

    [Fact]
    public async Task TheWindowSlidesAcrossInstances()
    {
        var (limiterA, limiterB) = (Limiter(2), Limiter(2));
        var a = await ChatAsync(1);
        Assert.True(await TryAsync(_instances.A, limiterA, a, Start));
        Assert.True(await TryAsync(_instances.B, limiterB, a, Start.AddSeconds(30)));

        Assert.False(await TryAsync(_instances.B, limiterB, a, Start.AddSeconds(59)));
        Assert.True(await TryAsync(_instances.B, limiterB, a, Start.AddSeconds(60))); // A's look-up has left the window
        Assert.False(await TryAsync(_instances.A, limiterA, a, Start.AddSeconds(61)));
        Assert.True(await TryAsync(_instances.A, limiterA, a, Start.AddSeconds(90))); // and so has B's first
    }

    [Fact]
    public async Task ConcurrentLookupsOnTwoInstancesTogetherGetExactlyTheLimit()
    {
        const int limit = 5;
        const int perInstance = 8;
        var a = await ChatAsync(1);
        var instances = new[] { (Database: _instances.A, Limiter: Limiter(limit)), (Database: _instances.B, Limiter: Limiter(limit)) };

        for (var round = 0; round < 3; round++)
        {
            // Each round a minute later, so the last round's look-ups are out of the window.
            var now = Start.AddMinutes(round);
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var attempts = instances
                .SelectMany(instance => Enumerable.Range(0, perInstance).Select(_ => Task.Run(async () =>
                {
                    await go.Task;
                    await using var db = await instance.Database.BeginAsync();
                    var granted = await instance.Limiter.TryAcquireAsync(db, a, now, CancellationToken.None);
                    await Task.Delay(10); // the rest of the update, with the transaction still open
                    await db.CommitAsync();
                    return granted;
                })))
                .ToList();
            go.SetResult();
            var results = await Task.WhenAll(attempts);

            Assert.Equal(limit, results.Count(granted => granted));
            Assert.Equal(limit, await CountAsync(a, since: now));
        }
    }

    [Fact]
    public async Task PruneDeletesOnlyLookupsPastTheWindow()
    {
        var limiter = Limiter(5);
        var a = await ChatAsync(1);
        await TryAsync(_instances.A, limiter, a, Start);
        await TryAsync(_instances.A, limiter, a, Start.AddSeconds(30));

        await using (var db = await _instances.B.BeginAsync())
        {
            Assert.Equal(1, await new TokenLookupStore().PruneAsync(db, Start.AddSeconds(60), CancellationToken.None));
            await db.CommitAsync();
        }

        Assert.Equal(1, await CountAsync(a, since: DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public async Task ErasingTheChatDeletesItsLookups()
    {
        var limiter = Limiter(5);
        var a = await ChatAsync(1);
        await TryAsync(_instances.A, limiter, a, Start);

        await using (var db = await _instances.A.BeginAsync())
        {
            await new FamilyEraser().EraseAsync(db, a, CancellationToken.None);
            await db.CommitAsync();
        }

        Assert.Equal(0, await CountAsync(a, since: DateTimeOffset.UnixEpoch));
    }

    private async Task<string> ChatAsync(long telegramChatId)
    {
        using var chat = await _instances.NewChatAsync(telegramChatId);
        return chat.Id;
    }

    /// <summary>One look-up in a transaction of its own, as an update applies it.</summary>
    private static async Task<bool> TryAsync(Database database, TokenLookupLimiter limiter, string chatRef, DateTimeOffset now)
    {
        await using var db = await database.BeginAsync();
        var granted = await limiter.TryAcquireAsync(db, chatRef, now, CancellationToken.None);
        await db.CommitAsync();
        return granted;
    }

    private async Task<long> CountAsync(string chatRef, DateTimeOffset since)
    {
        await using var db = await _instances.A.ReadAsync();
        await using var command = db.Command("SELECT COUNT(*) FROM token_lookups WHERE chat_ref = @chat AND at >= @since;")
            .With("@chat", chatRef)
            .With("@since", since.ToUnixTimeMilliseconds());
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
