using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>Writes the Telegram message id of a relayed copy into its <see cref="RelayCopyStore"/> row when it is sent.</summary>
public sealed class RelayCopyRecorder(RelayCopyStore relayCopies) : ISentMessageListener
{
    public Task SentAsync(UnitOfWork db, long outboxId, string chatRef, int messageId, CancellationToken cancellationToken) =>
        relayCopies.RecordMessageAsync(db, outboxId, chatRef, messageId, cancellationToken);
}
