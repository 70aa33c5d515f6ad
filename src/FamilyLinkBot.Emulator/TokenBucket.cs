namespace FamilyLinkBot.Testing;

// A token bucket on the emulator's clock: `capacity` sends at once, refilled at `ratePerSecond`.
// Not thread-safe; RateLimits locks around it.
internal sealed class TokenBucket(double capacity, double ratePerSecond, TimeProvider time)
{
    private readonly double _capacity = capacity;
    private double _tokens = capacity;
    private long _updatedAt = time.GetTimestamp();

    public bool HasToken(out int retryAfterSeconds)
    {
        Refill();
        if (_tokens >= 1)
        {
            retryAfterSeconds = 0;
            return true;
        }

        retryAfterSeconds = Math.Max(1, (int)Math.Ceiling((1 - _tokens) / ratePerSecond));
        return false;
    }

    public void Take() => _tokens -= 1;

    private void Refill()
    {
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(_updatedAt, now).TotalSeconds;
        _updatedAt = now;
        _tokens = Math.Min(_capacity, _tokens + (elapsed * ratePerSecond));
    }
}
