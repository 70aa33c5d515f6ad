namespace FamilyLinkBot.Delivery;

/// <summary>
/// The bot's one send rate (SPEC §8, §12). Every request that Telegram counts against its ~30 a second — sending a
/// message or editing one, from the outbox or answering someone directly — takes a slot here first, so that in any
/// one-second window at most <c>Delivery:MessagesPerSecond</c> go out. Telegram counts per bot, not per process: one
/// process keeps it in memory (<see cref="SlidingWindowRateLimiter"/>); several instances need one kept in the database.
/// </summary>
public interface ISendRateLimiter
{
    /// <summary>
    /// Waits until a slot is free and takes it. While an <see cref="Lane.Interactive"/> caller waits, no Notice or Bulk
    /// caller gets a slot: replies to people chatting now go first.
    /// </summary>
    ValueTask AcquireAsync(Lane lane, CancellationToken cancellationToken);
}
