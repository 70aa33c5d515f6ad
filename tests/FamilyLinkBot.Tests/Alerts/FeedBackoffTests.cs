using FamilyLinkBot.Alerts;
using Microsoft.Extensions.Time.Testing;

namespace FamilyLinkBot.Tests.Alerts;

public sealed class FeedBackoffTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMinutes(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FeedBackoff _backoff = new(Poll, random: new Random(7));

    [Fact]
    public void HealthyFeedPollsAtTheInterval()
    {
        var decision = _backoff.AfterSuccess(FeedHealth.Healthy, _time.GetUtcNow());

        Assert.Equal(_time.GetUtcNow() + Poll, decision.NextPollAt);
        Assert.Equal(FeedHealth.Healthy, decision.Health);
        Assert.False(decision.ShouldAlertAdmins);
        Assert.False(decision.JustRecovered);
    }

    [Theory]
    [InlineData(1, 20)]
    [InlineData(2, 40)]
    [InlineData(3, 80)]
    [InlineData(4, 160)]
    [InlineData(5, 320)]
    [InlineData(6, 360)]
    [InlineData(50, 360)]
    [InlineData(int.MaxValue, 360)]
    public void DelayDoublesPerFailureUpToSixHoursWithJitter(int failures, int minutes)
    {
        for (var i = 0; i < 50; i++)
        {
            var delay = _backoff.Delay(failures);

            Assert.InRange(delay.TotalMinutes, minutes * 0.9, Math.Min(minutes * 1.1, 360));
        }
    }

    [Fact]
    public void JitterSpreadsFeedsThatFailedTogether()
    {
        var delays = Enumerable.Range(0, 20).Select(_ => _backoff.Delay(3)).Distinct().Count();

        Assert.True(delays > 1);
    }

    [Fact]
    public void FailuresForADayAlertAdminsOnceThenRecoveryIsReported()
    {
        var health = FeedHealth.Healthy;
        var alerts = 0;
        var start = _time.GetUtcNow();
        while (_time.GetUtcNow() - start < TimeSpan.FromHours(60))
        {
            var decision = _backoff.AfterFailure(health, _time.GetUtcNow());
            if (decision.ShouldAlertAdmins)
            {
                alerts++;
                Assert.InRange(_time.GetUtcNow() - start, TimeSpan.FromHours(24), TimeSpan.FromHours(24.5));
            }

            Assert.True(decision.NextPollAt > _time.GetUtcNow());
            health = decision.Health;
            _time.SetUtcNow(decision.NextPollAt);
        }

        Assert.Equal(1, alerts);
        Assert.Equal(start, health.FirstFailureAt);
        Assert.True(health.AdminsAlerted);

        var recovered = _backoff.AfterSuccess(health, _time.GetUtcNow());
        Assert.True(recovered.JustRecovered);
        Assert.False(recovered.ShouldAlertAdmins);
        Assert.Equal(FeedHealth.Healthy, recovered.Health);
        Assert.False(_backoff.AfterSuccess(recovered.Health, _time.GetUtcNow()).JustRecovered);
    }

    [Fact]
    public void ShortOutageIsNeitherAlertedNorReportedAsRecovered()
    {
        var health = FeedHealth.Healthy;
        for (var i = 0; i < 5; i++)
        {
            var decision = _backoff.AfterFailure(health, _time.GetUtcNow());
            Assert.False(decision.ShouldAlertAdmins);
            health = decision.Health;
            _time.SetUtcNow(decision.NextPollAt);
        }

        Assert.Equal(5, health.ConsecutiveFailures);
        Assert.False(_backoff.AfterSuccess(health, _time.GetUtcNow()).JustRecovered);
    }

    [Fact]
    public void NewOutageAfterRecoveryAlertsAgain()
    {
        var start = _time.GetUtcNow();
        var alerted = _backoff.AfterFailure(new FeedHealth(9, start - TimeSpan.FromHours(25), false), start);
        var recovered = _backoff.AfterSuccess(alerted.Health, start + Poll);
        var failingAgain = _backoff.AfterFailure(recovered.Health, start + TimeSpan.FromHours(1));
        var dayLater = _backoff.AfterFailure(failingAgain.Health, start + TimeSpan.FromHours(25));

        Assert.True(alerted.ShouldAlertAdmins);
        Assert.True(recovered.JustRecovered);
        Assert.False(failingAgain.ShouldAlertAdmins);
        Assert.True(dayLater.ShouldAlertAdmins);
    }

    [Fact]
    public void LongBackoffDoesNotPostponeTheDayAlert()
    {
        var now = _time.GetUtcNow();
        var decision = _backoff.AfterFailure(new FeedHealth(8, now - TimeSpan.FromHours(23), false), now);

        Assert.Equal(now + TimeSpan.FromHours(1), decision.NextPollAt);
    }
}
