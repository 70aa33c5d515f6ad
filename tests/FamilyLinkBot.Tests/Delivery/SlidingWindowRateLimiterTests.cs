using FamilyLinkBot.Delivery;
using Microsoft.Extensions.Time.Testing;

namespace FamilyLinkBot.Tests.Delivery;

public sealed class SlidingWindowRateLimiterTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    public static TheoryData<int, int> LimitsAndSeeds => new()
    {
        { 1, 1 }, { 3, 2 }, { 25, 3 }, { 29, 4 }, { 30, 5 }, { 29, 6 }, { 1000, 7 },
    };

    [Theory]
    [MemberData(nameof(LimitsAndSeeds))]
    public void TryAcquireAtRandomTimesNeverGrantsMoreThanTheLimitInAnyWindow(int limit, int seed)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var limiter = new SlidingWindowRateLimiter(limit, Second, time);
        var random = new Random(seed);
        var lanes = new[] { Lane.Interactive, Lane.Notice, Lane.Bulk };
        var granted = new List<DateTimeOffset>();

        // Bursts, gaps and steady streams of callers, in steps from 1 µs to 700 ms.
        for (var step = 0; step < 20_000; step++)
        {
            var gap = random.Next(10) switch
            {
                < 5 => TimeSpan.FromTicks(random.Next(10, 10_000)),
                < 8 => TimeSpan.FromMilliseconds(random.Next(1, 60)),
                _ => TimeSpan.FromMilliseconds(random.Next(60, 700)),
            };
            time.Advance(gap);
            for (var callers = random.Next(1, 4); callers > 0; callers--)
            {
                if (limiter.TryAcquire(lanes[random.Next(3)], out _))
                {
                    granted.Add(time.GetUtcNow());
                }
            }
        }

        Assert.True(granted.Count > limit, "the run must reach the limit to test it");
        for (var i = limit; i < granted.Count; i++)
        {
            // The window (t - 1 s, t] of every grant holds at most `limit` grants, this one included.
            Assert.True(granted[i] - granted[i - limit] >= Second, $"grant {i} is within a second of grant {i - limit}");
        }
    }

    [Theory]
    [InlineData(25)]
    [InlineData(29)]
    public void AcquireUnderSteadyDemandKeepsTheFullRate(int limit)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var limiter = new SlidingWindowRateLimiter(limit, Second, time);
        var granted = 0;
        var sinceGrant = TimeSpan.Zero;
        var gaps = new List<TimeSpan>();

        // A caller that always has something to send, woken 0–3 ms late after each wait (a busy machine's timers).
        var random = new Random(limit);
        var end = time.GetUtcNow() + TimeSpan.FromSeconds(60);
        while (time.GetUtcNow() < end)
        {
            if (limiter.TryAcquire(Lane.Bulk, out var wait))
            {
                granted++;
                gaps.Add(sinceGrant);
                sinceGrant = TimeSpan.Zero;
                continue;
            }

            var sleep = wait + TimeSpan.FromMicroseconds(random.Next(0, 3000));
            time.Advance(sleep);
            sinceGrant += sleep;
        }

        // 60 s at the limit, less at most one window's worth: late wake-ups are made up, never beyond the limit.
        Assert.InRange(granted, (59 * limit) - 1, 60 * limit);
        // Evenly spaced: never a burst of more than two at once (a catch-up), so uneven delays on the way to
        // Telegram cannot bunch a second's worth together.
        for (var i = 2; i < gaps.Count; i++)
        {
            Assert.False(gaps[i] == TimeSpan.Zero && gaps[i - 1] == TimeSpan.Zero, $"grants {i - 2}–{i} went out at once");
        }
    }

    [Fact]
    public async Task AcquireWithBulkWaitingLongerGivesTheFreedSlotToAReply()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var limiter = new SlidingWindowRateLimiter(1, Second, time);
        Assert.True(limiter.TryAcquire(Lane.Bulk, out _));

        // Bulk started waiting first, so its timer fires first when the slot frees; the reply still gets the slot.
        var bulk = limiter.AcquireAsync(Lane.Bulk, CancellationToken.None).AsTask();
        var reply = limiter.AcquireAsync(Lane.Interactive, CancellationToken.None).AsTask();
        time.Advance(Second);
        await reply.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(bulk.IsCompleted);
        Assert.False(limiter.TryAcquire(Lane.Interactive, out _));
        time.Advance(Second);
        await bulk.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AcquireForAReplyStillKeepsToTheLimit()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var limiter = new SlidingWindowRateLimiter(1, Second, time);
        Assert.True(limiter.TryAcquire(Lane.Interactive, out _));
        var waiting = limiter.AcquireAsync(Lane.Interactive, CancellationToken.None).AsTask();

        Assert.False(limiter.TryAcquire(Lane.Bulk, out _));
        time.Advance(Second);

        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(limiter.TryAcquire(Lane.Interactive, out _)); // one a second, whoever asks
    }

    [Fact]
    public async Task AcquireWhenCancelledThrowsAndLeavesNoReplyWaiting()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var limiter = new SlidingWindowRateLimiter(1, Second, time);
        Assert.True(limiter.TryAcquire(Lane.Bulk, out _));
        using var cancel = new CancellationTokenSource();

        var reply = limiter.AcquireAsync(Lane.Interactive, cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reply);
        time.Advance(Second);

        Assert.True(limiter.TryAcquire(Lane.Bulk, out _)); // the cancelled reply no longer holds bulk back
    }

    [Fact]
    public void CreateWithNoRoomIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowRateLimiter(0, Second, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowRateLimiter(5, TimeSpan.Zero, TimeProvider.System));
    }
}
