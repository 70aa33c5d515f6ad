namespace FamilyLinkBot.Delivery;

/// <summary>One slot of the send rate, taken for one request (<see cref="ISendRateLimiter"/>).</summary>
public interface ISendSlot : IDisposable
{
    /// <summary>
    /// Telegram did not count the request: it was never made, or a gateway answered for the Bot API (502 or 503,
    /// docs/SEND-RATE.md), so it never reached the Bot API. The slot is free again at once, as if it had never been
    /// taken. Disposing the slot afterwards changes nothing.
    /// </summary>
    void Refund();
}
