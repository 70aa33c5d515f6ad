using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>Writes the Telegram message id of a relayed copy into its <see cref="RelayCopyStore"/> row when it is sent.</summary>
public sealed class RelayCopyRecorder : ISentMessageListener
{
    public Task SentAsync(UnitOfWork db, long outboxId, string chatRef, int messageId, CancellationToken cancellationToken) =>
        RelayCopyStore.RecordMessageAsync(db, outboxId, chatRef, messageId, cancellationToken);
}
