namespace FamilyLinkBot.Delivery;

/// <summary>Where an outbox row is in its life; stored as the <c>state</c> column's integer.</summary>
public enum OutboxState
{
    /// <summary>Waiting to be sent (possibly claimed by a sending process for a while).</summary>
    Pending = 0,

    Sent = 1,

    /// <summary>Refused by Telegram, the chat blocked the bot, or its own failures used up every attempt.</summary>
    Failed = 2,

    /// <summary>No longer wanted: /panic, a cancelled broadcast, a revoked caseworker.</summary>
    Cancelled = 3,
}
