namespace FamilyLinkBot.Delivery;

/// <summary>
/// The global send rate (SPEC §8): a token bucket refilled continuously at <c>rate</c> a second with a burst of a
/// fifth of a second's worth, so sends stay evenly spaced and never exceed Telegram's ~30 a second in any window.
/// One caller (the dispatcher's scheduling loop) takes tokens.
/// </summary>
internal sealed class SendRateGate(double rate, TimeProvider time)
{
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

            await Task.Delay(TimeSpan.FromSeconds((1 - _tokens) / rate), time, cancellationToken);
        }
    }
}
