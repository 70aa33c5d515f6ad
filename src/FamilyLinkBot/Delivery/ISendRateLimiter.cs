namespace FamilyLinkBot.Delivery;

/// <summary>
/// The bot's one send rate (docs/DESIGN.md#8-delivery, docs/DESIGN.md#12-scale-out). Every request that Telegram counts against its ~30 a second — sending a
/// message or editing one, from the outbox or answering someone directly — takes a slot here first, so that in any
/// one-second window at most <c>Delivery:MessagesPerSecond</c> reach Telegram. Telegram counts per bot, not per
/// process: one process keeps it in memory (<see cref="SlidingWindowRateLimiter"/>); several instances need one kept
/// in the database.
/// </summary>
public interface ISendRateLimiter
{
    /// <summary>
    /// Waits until a slot is free and takes it. While an <see cref="Lane.Interactive"/> caller waits, no Notice or Bulk
    /// caller gets a slot: replies to people chatting now go first. Dispose the slot as soon as Telegram has answered
    /// (or the request failed or was never made): by then the request has surely arrived, which is what Telegram counts.
    /// Refund it instead when a gateway answered for Telegram (<see cref="ISendSlot.Refund"/>).
    /// </summary>
    ValueTask<ISendSlot> AcquireAsync(Lane lane, CancellationToken cancellationToken);

    /// <summary>
    /// Telegram answered 429 with retry_after: the bot as a whole must wait that long. The dispatcher holds its own
    /// sending back; a limiter shared by several instances tells the others too.
    /// </summary>
    void TelegramAskedToWait(TimeSpan retryAfter)
    {
    }
}
