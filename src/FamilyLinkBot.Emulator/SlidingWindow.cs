namespace FamilyLinkBot.Testing;

// The requests accepted in the last `window` on the emulator's clock, oldest first. Counts a strict sliding window
// (no burst allowance, unlike TokenBucket) and remembers the most it ever held. Not thread-safe; RateLimits locks.
internal sealed class SlidingWindow(TimeSpan window, TimeProvider time)
{
    private readonly Queue<long> _accepted = new();

    public int Peak { get; private set; }

    public int Count
    {
        get
        {
            Prune(time.GetTimestamp());
            return _accepted.Count;
        }
    }

    // Whole seconds until the oldest request leaves the window (Telegram's retry_after is whole seconds, at least 1).
    public int RetryAfterSeconds()
    {
        var now = time.GetTimestamp();
        Prune(now);
        if (_accepted.Count == 0)
        {
            return 1;
        }

        var left = window - time.GetElapsedTime(_accepted.Peek(), now);
        return Math.Max(1, (int)Math.Ceiling(left.TotalSeconds));
    }

    public void Add()
    {
        var now = time.GetTimestamp();
        Prune(now);
        _accepted.Enqueue(now);
        Peak = Math.Max(Peak, _accepted.Count);
    }

    // A request exactly `window` old has left: the window is (now - window, now].
    private void Prune(long now)
    {
        while (_accepted.Count > 0 && time.GetElapsedTime(_accepted.Peek(), now) >= window)
        {
            _accepted.Dequeue();
        }
    }
}
