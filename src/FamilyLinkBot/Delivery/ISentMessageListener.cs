using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// Told, inside the transaction that settles an outbox row as sent, which Telegram message id the row became. Settled
/// rows are deleted at once (docs/SECURITY.md, "Delivery metadata"), so a feature that must find its message again
/// later (a caseworker's Telegram reply to a relayed copy) records the id itself, here. Told only of rows queued with a
/// source (<see cref="OutboxStore.EnqueueRelayedAsync"/>, a relayed copy): the other sends have nothing to record.
/// </summary>
public interface ISentMessageListener
{
    Task SentAsync(UnitOfWork db, long outboxId, string chatRef, int messageId, CancellationToken cancellationToken);
}
