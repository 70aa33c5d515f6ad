namespace FamilyLinkBot.Delivery;

/// <summary>
/// An exact in-memory <see cref="ISendRateLimiter"/>. Telegram counts a request when it arrives, somewhere between the
/// moment it leaves the bot and the moment the answer is back; so a new slot is granted only when the last
/// <c>limit</c>-th slot's request was answered a full window ago (or, were its answer slow, a window after it could
/// last have arrived: its grant plus <see cref="MaxTransit"/>). Then no window of that length can hold more than
/// <c>limit</c> arrivals, however unevenly the requests travel. Grants are also paced by GCRA (one every
/// window / limit, catching up at most one interval, or 5 ms at high rates, after a late wake-up), which keeps notices
/// and bulk sends evenly spaced. Replies are held only by the window: when many people act at once, a second's worth
/// of first answers may go at once. A refunded slot (a gateway answered for Telegram, which then never counted the
/// request) leaves the log as if never granted, and gives its pacing interval back.
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
    private readonly int _limit;
    // The last `limit` requests that may count, oldest first; a refunded one leaves, so the window judges only the others.
    private readonly LinkedList<Request> _log = new();
    private readonly long _windowTicks;
    private readonly long _intervalTicks;
    private readonly long _toleranceTicks;
    private readonly long _transitTicks;
    private long _theoreticalNext;
    private int _interactiveWaiting;

    public SlidingWindowRateLimiter(int limit, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _time = time;
        _limit = limit;
        _windowTicks = Ticks(window);
        _intervalTicks = Math.Max(1, (_windowTicks + limit - 1) / limit); // rounded up: never faster than the limit
        _toleranceTicks = Math.Max(_intervalTicks, Ticks(MinimumCatchUp));
        _transitTicks = Ticks(MaxTransit);
        _theoreticalNext = long.MinValue / 2;
    }

    public async ValueTask<ISendSlot> AcquireAsync(Lane lane, CancellationToken cancellationToken)
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
    internal ISendSlot? TryAcquire(Lane lane, out TimeSpan wait)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var waitTicks = 0L;
            if (_log.Count >= _limit)
            {
                // The request `limit` counted grants back: answered (or surely arrived) a full window ago?
                var oldest = _log.First!.Value;
                var arrivedBy = Math.Min(oldest.Answered, oldest.Granted + _transitTicks);
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

            if (_log.Count >= _limit)
            {
                // It arrived a full window before now: no request from now on can share a window with it.
                _log.RemoveFirst();
            }

            _theoreticalNext = Math.Max(_theoreticalNext, now) + _intervalTicks;
            wait = TimeSpan.Zero;
            return new Slot(this, _log.AddLast(new Request(now)));
        }
    }

    private void Answered(LinkedListNode<Request> request)
    {
        lock (_gate)
        {
            // A request that left the log has already been judged by its grant time plus MaxTransit.
            if (request.List is not null && request.Value.Answered == long.MaxValue)
            {
                request.Value.Answered = _time.GetTimestamp();
            }
        }
    }

    private void Refunded(LinkedListNode<Request> request)
    {
        lock (_gate)
        {
            if (request.List is null)
            {
                return; // a window old already: it holds nothing back any more
            }

            _log.Remove(request);
            // Its pacing interval too, or goodput would stay one interval per refund below the rate; never below now,
            // so refunds cannot add up to a burst beyond the usual one interval of catch-up.
            _theoreticalNext = Math.Max(_theoreticalNext - _intervalTicks, _time.GetTimestamp());
        }
    }

    private long Ticks(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds * _time.TimestampFrequency);

    private sealed class Request(long granted)
    {
        public long Granted { get; } = granted;

        public long Answered { get; set; } = long.MaxValue;
    }

    private sealed class Slot(SlidingWindowRateLimiter owner, LinkedListNode<Request> request) : ISendSlot
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                owner.Answered(request);
            }
        }

        public void Refund()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                owner.Refunded(request);
            }
        }
    }
}
