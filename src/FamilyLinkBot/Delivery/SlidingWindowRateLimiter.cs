namespace FamilyLinkBot.Delivery;

/// <summary>
/// An exact in-memory <see cref="ISendRateLimiter"/>. Telegram counts a request when it arrives, somewhere between the
/// moment it leaves the bot and the moment the answer is back; so a new slot is granted only when the last
/// <c>limit</c>-th slot's request was answered a full window ago (or, were its answer slow, a window after it could
/// last have arrived: its grant plus <see cref="MaxTransit"/>). Then no window of that length can hold more than
/// <c>limit</c> arrivals, however unevenly the requests travel. Grants are also paced by GCRA (one every
/// window / limit, catching up at most one interval, or 5 ms at high rates, after a late wake-up), which keeps notices
/// and bulk sends evenly spaced. Replies are held only by the window: when many people act at once, a second's worth
/// of first answers may go at once.
/// </summary>
public sealed class SlidingWindowRateLimiter : ISendRateLimiter
{
    /// <summary>A request still unanswered this long after its grant is taken to have arrived by then (it is being processed).</summary>
    public static readonly TimeSpan MaxTransit = TimeSpan.FromSeconds(1);

    // Shorter timers fire at once, and a waiting loop would spin a core at high rates.
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MinimumCatchUp = TimeSpan.FromMilliseconds(5);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long[] _granted;
    private readonly long[] _answered;
    private readonly long _windowTicks;
    private readonly long _intervalTicks;
    private readonly long _toleranceTicks;
    private readonly long _transitTicks;
    private long _sequence;
    private long _theoreticalNext;
    private int _interactiveWaiting;

    public SlidingWindowRateLimiter(int limit, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _time = time;
        _granted = new long[limit];
        _answered = new long[limit];
        _windowTicks = Ticks(window);
        _intervalTicks = Math.Max(1, (_windowTicks + limit - 1) / limit); // rounded up: never faster than the limit
        _toleranceTicks = Math.Max(_intervalTicks, Ticks(MinimumCatchUp));
        _transitTicks = Ticks(MaxTransit);
        _theoreticalNext = long.MinValue / 2;
    }

    public async ValueTask<IDisposable> AcquireAsync(Lane lane, CancellationToken cancellationToken)
    {
        var interactive = lane == Lane.Interactive;
        if (interactive)
        {
            Interlocked.Increment(ref _interactiveWaiting);
        }

        try
        {
            while (true)
            {
                if (TryAcquire(lane, out var wait) is { } slot)
                {
                    return slot;
                }

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

    /// <summary>Takes a slot if one is free now (dispose it when answered); otherwise null and how long until one may be.</summary>
    internal IDisposable? TryAcquire(Lane lane, out TimeSpan wait)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var waitTicks = 0L;
            var limit = _granted.Length;
            if (_sequence >= limit)
            {
                // The request `limit` grants back: answered (or surely arrived) a full window ago?
                var oldest = (int)(_sequence % limit);
                var arrivedBy = Math.Min(_answered[oldest], _granted[oldest] + _transitTicks);
                waitTicks = (arrivedBy + _windowTicks) - now;
            }

            var tolerance = lane == Lane.Interactive ? _windowTicks : _toleranceTicks;
            waitTicks = Math.Max(waitTicks, (_theoreticalNext - tolerance) - now);
            if (lane != Lane.Interactive && Volatile.Read(ref _interactiveWaiting) > 0)
            {
                // A reply is waiting for the next slot: this caller asks again after it.
                waitTicks = Math.Max(waitTicks, _intervalTicks);
            }

            if (waitTicks > 0)
            {
                wait = TimeSpan.FromSeconds((double)waitTicks / _time.TimestampFrequency);
                return null;
            }

            var sequence = _sequence++;
            var index = (int)(sequence % limit);
            _granted[index] = now;
            _answered[index] = long.MaxValue;
            _theoreticalNext = Math.Max(_theoreticalNext, now) + _intervalTicks;
            wait = TimeSpan.Zero;
            return new Slot(this, sequence);
        }
    }

    private void Answered(long sequence)
    {
        lock (_gate)
        {
            var limit = _granted.Length;
            var index = (int)(sequence % limit);
            // A slot `limit` grants old has already been judged by its grant time plus MaxTransit.
            if (_sequence - sequence <= limit && _answered[index] == long.MaxValue)
            {
                _answered[index] = _time.GetTimestamp();
            }
        }
    }

    private long Ticks(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds * _time.TimestampFrequency);

    private sealed class Slot(SlidingWindowRateLimiter owner, long sequence) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Answered(sequence);
            }
        }
    }
}
