namespace FamilyLinkBot.Alerts;

/// <summary>
/// Per-feed failure policy of docs/DESIGN.md#7-news-alerts. After n consecutive failures the next poll waits PollInterval × 2^n, capped
/// (6 h by default), with ±10 % jitter so feeds that failed together do not retry together. Once failures have
/// lasted <see cref="AlertAfter"/> (a day) admins are told once, and told again at the first success after that.
/// Pure: state in, decision out; the caller stores <see cref="FeedHealth"/>.
/// </summary>
public sealed class FeedBackoff
{
    private const double JitterFraction = 0.1;

    private readonly Random _random;

    public FeedBackoff(TimeSpan pollInterval, TimeSpan? maxDelay = null, TimeSpan? alertAfter = null, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero);
        PollInterval = pollInterval;
        MaxDelay = maxDelay ?? TimeSpan.FromHours(6);
        AlertAfter = alertAfter ?? TimeSpan.FromHours(24);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, pollInterval, nameof(maxDelay));
        _random = random ?? Random.Shared;
    }

    public TimeSpan PollInterval { get; }

    public TimeSpan MaxDelay { get; }

    public TimeSpan AlertAfter { get; }

    public FeedBackoffDecision AfterSuccess(FeedHealth health, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(health);
        return new FeedBackoffDecision(FeedHealth.Healthy, now + PollInterval, ShouldAlertAdmins: false, JustRecovered: health.AdminsAlerted);
    }

    public FeedBackoffDecision AfterFailure(FeedHealth health, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(health);
        var failures = health.ConsecutiveFailures + 1;
        var firstFailureAt = health.FirstFailureAt ?? now;
        var alert = !health.AdminsAlerted && now - firstFailureAt >= AlertAfter;
        var next = now + Delay(failures);

        // Do not let a long back-off carry the day-long alert hours past its due time: poll once at the mark.
        var alertDue = firstFailureAt + AlertAfter;
        if (!health.AdminsAlerted && !alert && next > alertDue)
        {
            next = alertDue;
        }

        return new FeedBackoffDecision(
            new FeedHealth(failures, firstFailureAt, health.AdminsAlerted || alert), next, alert, JustRecovered: false);
    }

    /// <summary>The jittered wait after <paramref name="failures"/> consecutive failures (0 = healthy).</summary>
    public TimeSpan Delay(int failures)
    {
        if (failures <= 0)
        {
            return PollInterval;
        }

        // 2^n grows past any cap quickly; stop doubling at 2^30 so the arithmetic cannot overflow.
        var factor = Math.Pow(2, Math.Min(failures, 30));
        var capped = Math.Min(PollInterval.TotalMilliseconds * factor, MaxDelay.TotalMilliseconds);
        var jitter = 1 + JitterFraction * (2 * _random.NextDouble() - 1);
        return TimeSpan.FromMilliseconds(Math.Clamp(capped * jitter, PollInterval.TotalMilliseconds, MaxDelay.TotalMilliseconds));
    }
}
