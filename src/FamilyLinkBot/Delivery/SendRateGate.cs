namespace FamilyLinkBot.Delivery;

/// <summary>
/// The global send rate (SPEC §8): a token bucket refilled continuously at <c>rate</c> a second with a burst of a
/// fifth of a second's worth, so sends stay evenly spaced and never exceed Telegram's ~30 a second in any window.
/// One caller (the dispatcher's scheduling loop) takes tokens.
/// </summary>
internal sealed class SendRateGate(double rate, TimeProvider time)
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);

    private readonly double _capacity = Math.Max(1, rate / 5);
    private double _tokens = Math.Max(1, rate / 5);
    private long _last = time.GetTimestamp();

    public async Task TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * rate));
            _last = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return;
            }

            // At least a millisecond: a shorter timer fires at once, and the loop would spin a core at high rates.
            // Tokens accrue by elapsed time, so a longer sleep is made up by the burst that follows.
            var wait = TimeSpan.FromSeconds((1 - _tokens) / rate);
            await Task.Delay(wait < MinimumWait ? MinimumWait : wait, time, cancellationToken);
        }
    }
}
