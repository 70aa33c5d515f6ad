using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Privacy;

/// <summary>/panic: at once, with no question, deletes every tracked message of this chat still deletable (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications).</summary>
public sealed class PanicCommand(TrackedMessageStore trackedMessages, MessageDeleter deleter, OutboxStore outbox) : IBotCommand
{
    /// <summary>The short answer to /panic vanishes by itself too.</summary>
    public const int AnswerLifetimeSeconds = 60;

    public string Name => "panic";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.panic";

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        var messages = await trackedMessages.DeletableAsync(turn.Db, turn.Chat.Id, turn.Now, cancellationToken);
        if (turn.IncomingMessageId is { } own)
        {
            messages.Add(own);
            turn.IncomingHandled = true;
        }

        await trackedMessages.RemoveAsync(turn.Db, turn.Chat.Id, messages, cancellationToken);
        // Whatever was still waiting to be sent to this chat would undo the panic; what is on its way now is deleted
        // the moment its send is recorded.
        await outbox.PanicAsync(turn.Db, turn.Chat.Id, turn.Now, cancellationToken);

        turn.Session.EndFlow();
        turn.CloseMenu();
        turn.ReplyEphemeral(turn.T("panic.done"), AnswerLifetimeSeconds);

        var chatId = turn.Chat.TelegramChatId;
        turn.AfterCommit(ct => deleter.DeleteAsync(chatId, messages, ct));
    }
}
