using FamilyLinkBot.Caseworkers;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Tests.Caseworkers;

public sealed class TokenLookupLimiterTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static TokenLookupLimiter Limiter(int perMinute) =>
        new(Options.Create(new CaseworkerOptions { TokenLookupsPerMinute = perMinute }));

    [Fact]
    public void LookupBeyondTheLimitWithinAMinuteIsRefused()
    {
        var limiter = Limiter(3);

        Assert.True(limiter.TryAcquire("a", Start));
        Assert.True(limiter.TryAcquire("a", Start.AddSeconds(10)));
        Assert.True(limiter.TryAcquire("a", Start.AddSeconds(20)));
        Assert.False(limiter.TryAcquire("a", Start.AddSeconds(30)));
        Assert.True(limiter.TryAcquire("b", Start.AddSeconds(30)));
    }

    [Fact]
    public void WindowSlidesAMinuteAfterEachLookup()
    {
        var limiter = Limiter(2);
        limiter.TryAcquire("a", Start);
        limiter.TryAcquire("a", Start.AddSeconds(30));

        Assert.False(limiter.TryAcquire("a", Start.AddSeconds(59)));
        Assert.True(limiter.TryAcquire("a", Start.AddSeconds(60)));
        Assert.False(limiter.TryAcquire("a", Start.AddSeconds(61)));
        Assert.True(limiter.TryAcquire("a", Start.AddSeconds(90)));
    }

    [Fact]
    public void RefusedLookupsDoNotExtendTheWait()
    {
        var limiter = Limiter(1);
        limiter.TryAcquire("a", Start);
        for (var s = 1; s < 60; s += 5)
        {
            Assert.False(limiter.TryAcquire("a", Start.AddSeconds(s)));
        }

        Assert.True(limiter.TryAcquire("a", Start.AddSeconds(60)));
    }
}
