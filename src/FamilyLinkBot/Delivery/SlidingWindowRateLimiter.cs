namespace FamilyLinkBot.Delivery;

/// <summary>
/// An exact in-memory <see cref="ISendRateLimiter"/>: a sliding-window log of the last <c>limit</c> grants (a new
/// grant only when the oldest of them is a full window old, so no window of that length ever holds more than
/// <c>limit</c>), paced by GCRA (one grant every window / limit, catching up at most one interval, or 5 ms at high
/// rates, after a late wake-up). The pacing keeps grants evenly spaced, so that requests delayed unevenly on their way
/// to Telegram still arrive spread out; the window log is the hard ceiling.
/// </summary>
public sealed class SlidingWindowRateLimiter : ISendRateLimiter
{
    // Shorter timers fire at once, and a waiting loop would spin a core at high rates.
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MinimumCatchUp = TimeSpan.FromMilliseconds(5);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long[] _granted;
    private readonly long _windowTicks;
    private readonly long _intervalTicks;
    private readonly long _toleranceTicks;
    private int _oldest;
    private int _count;
    private long _theoreticalNext;
    private int _interactiveWaiting;

    public SlidingWindowRateLimiter(int limit, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _time = time;
        _granted = new long[limit];
        _windowTicks = Ticks(window);
        _intervalTicks = Math.Max(1, (_windowTicks + limit - 1) / limit); // rounded up: never faster than the limit
        _toleranceTicks = Math.Max(_intervalTicks, Ticks(MinimumCatchUp));
        _theoreticalNext = long.MinValue / 2;
    }

    public int Limit => _granted.Length;

    public async ValueTask AcquireAsync(Lane lane, CancellationToken cancellationToken)
    {
        var interactive = lane == Lane.Interactive;
        if (interactive)
        {
            Interlocked.Increment(ref _interactiveWaiting);
        }

        try
        {
            while (!TryAcquire(lane, out var wait))
            {
                await Task.Delay(wait < MinimumWait ? MinimumWait : wait, _time, cancellationToken);
            }
        }
        finally
        {
            if (interactive)
            {
                Interlocked.Decrement(ref _interactiveWaiting);
            }
        }
    }

    /// <summary>Takes a slot if one is free now; otherwise says how long until one may be.</summary>
    internal bool TryAcquire(Lane lane, out TimeSpan wait)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var waitTicks = 0L;
            if (_count == _granted.Length)
            {
                waitTicks = (_granted[_oldest] + _windowTicks) - now;
            }

            waitTicks = Math.Max(waitTicks, (_theoreticalNext - _toleranceTicks) - now);
            if (lane != Lane.Interactive && Volatile.Read(ref _interactiveWaiting) > 0)
            {
                // A reply is waiting for the next slot: this caller asks again after it.
                waitTicks = Math.Max(waitTicks, _intervalTicks);
            }

            if (waitTicks > 0)
            {
                wait = TimeSpan.FromSeconds((double)waitTicks / _time.TimestampFrequency);
                return false;
            }

            _granted[(_oldest + _count) % _granted.Length] = now;
            if (_count == _granted.Length)
            {
                _oldest = (_oldest + 1) % _granted.Length;
            }
            else
            {
                _count++;
            }

            _theoreticalNext = Math.Max(_theoreticalNext, now) + _intervalTicks;
            wait = TimeSpan.Zero;
            return true;
        }
    }

    private long Ticks(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds * _time.TimestampFrequency);
}
