using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace FamilyLinkBot.Privacy;

/// <summary>Deletes messages from a chat with deleteMessages, in Telegram's batches of at most 100.</summary>
public sealed class MessageDeleter(ITelegramBotClient bot, ILogger<MessageDeleter> logger)
{
    public const int BatchSize = 100;

    /// <summary>True when Telegram took every batch (it skips ids that are already gone).</summary>
    public async Task<bool> DeleteAsync(long chatId, IReadOnlyList<int> messageIds, CancellationToken cancellationToken)
    {
        var ok = true;
        foreach (var batch in messageIds.Chunk(BatchSize))
        {
            try
            {
                await bot.DeleteMessages(chatId, batch, cancellationToken);
            }
            catch (ApiRequestException ex) when (ex.ErrorCode is 400 or 403)
            {
                // Already deleted by the user, too old, or the chat blocked the bot: nothing left to do.
                logger.LogDebug("deleteMessages was refused ({Code}).", ex.ErrorCode);
            }
            catch (Exception ex) when (ex is HttpRequestException or RequestException)
            {
                logger.LogWarning("deleteMessages failed ({ErrorType}); the messages stay tracked for the next sweep.", ex.GetType().Name);
                ok = false;
            }
        }

        return ok;
    }
}
