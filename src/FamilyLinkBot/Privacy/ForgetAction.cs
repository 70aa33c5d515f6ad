using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Privacy;

/// <summary>
/// The answer to /forget's question. On "Erase everything" the family is erased in this turn's transaction; the
/// bot's tracked messages are deleted from the chat and the farewell is sent directly after commit, since no
/// outbox row may refer to a chat that no longer exists. The farewell still takes a slot of the global send rate.
/// </summary>
public sealed class ForgetAction(Database database, TrackedMessageStore trackedMessages, FamilyEraser eraser, MessageDeleter deleter, ITelegramBotClient bot, ISendRateLimiter limiter, ILogger<ForgetAction> logger) : IMenuAction
{
    public string Prefix => "forget";

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        if (argument != "yes")
        {
            turn.CloseMenu();
            turn.Reply(turn.T("forget.kept"));
            return;
        }

        var messages = await trackedMessages.DeletableAsync(turn.Db, turn.Chat.Id, turn.Now, cancellationToken);
        await eraser.EraseAsync(turn.Db, turn.Chat.Id, cancellationToken);
        turn.Erased = true;
        turn.CallbackAnswer = turn.T("answer.done");

        var chatId = turn.Chat.TelegramChatId;
        var farewell = turn.T("forget.done");
        turn.AfterCommit(async ct =>
        {
            if (!await database.CheckpointAsync(ct))
            {
                logger.LogWarning("The WAL checkpoint after an erasure stayed blocked by a reader; erased pages may remain in the log until the next checkpoint.");
            }

            await deleter.DeleteAsync(chatId, messages, ct);
            using (await limiter.AcquireAsync(Lane.Interactive, ct))
            {
                await bot.SendMessage(chatId, farewell, ParseMode.Html, cancellationToken: ct);
            }
        });
    }
}
