using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// Tells the configured admins something (a feed down for a day, recovered, alerts waiting for review), each in their
/// language, through the outbox. An admin's private chat id is their user id; an admin who never wrote to the bot has
/// no chat row and is skipped.
/// </summary>
public sealed class AdminNotifier(ChatStore chats, OutboxStore outbox, IOptions<AdminOptions> admins)
{
    /// <summary>Enqueues the message in the caller's transaction; returns how many admins it was queued for.</summary>
    public async Task<int> NotifyAsync(UnitOfWork db, Func<Language, string> render, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(render);
        var queued = 0;
        foreach (var userId in admins.Value.UserIds.Distinct())
        {
            using var chat = await chats.FindAsync(db, userId, cancellationToken);
            if (chat is null || !chat.Active)
            {
                continue;
            }

            await outbox.EnqueueAsync(db, chat, Lane.Notice, new OutgoingMessage { Text = render(chat.Language ?? Language.Ko) }, now, cancellationToken);
            queued++;
        }

        return queued;
    }
}
