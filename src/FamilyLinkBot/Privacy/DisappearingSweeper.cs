using FamilyLinkBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Privacy;

/// <summary>
/// Deletes sensitive messages from families' chats when their timer runs out (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications). Expiries are capped at
/// 47 h when tracked, inside Telegram's 48 h window for deleting; messages past the window are forgotten. It also
/// prunes the ids of updates too old for Telegram to deliver again (<see cref="ProcessedUpdateStore"/>) and the
/// look-ups past the look-up limit's window (<see cref="Caseworkers.TokenLookupStore"/>).
/// </summary>
public sealed class DisappearingSweeper(
    Storage.SingletonLeases leases,
    Database database,
    ChatStore chats,
    TrackedMessageStore trackedMessages,
    ProcessedUpdateStore processedUpdates,
    Caseworkers.RelayCopyStore relayCopies,
    Caseworkers.TokenLookupStore tokenLookups,
    MessageDeleter deleter,
    TimeProvider time,
    IOptions<PrivacyOptions> options,
    ILogger<DisappearingSweeper> logger) : BackgroundService
{
    private const int BatchLimit = 2000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await leases.WaitForTurnAsync("disappearing-message sweep", stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("The disappearing-message sweep failed ({ErrorType}); it runs again shortly.", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes what has expired by now; returns how many messages it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Dictionary<string, List<int>> due;
        var targets = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var db = await database.BeginAsync(cancellationToken))
        {
            await trackedMessages.PurgeUndeletableAsync(db, now, cancellationToken);
            await relayCopies.PurgeExpiredAsync(db, now, cancellationToken);
            await processedUpdates.PruneAsync(db, now, cancellationToken);
            await tokenLookups.PruneAsync(db, now, cancellationToken);
            due = await trackedMessages.DueAsync(db, now, BatchLimit, cancellationToken);
            foreach (var chatRef in due.Keys)
            {
                using var chat = await chats.GetAsync(db, chatRef, cancellationToken);
                if (chat is not null)
                {
                    targets[chatRef] = chat.TelegramChatId;
                }
            }

            await db.CommitAsync(cancellationToken);
        }

        var deleted = 0;
        foreach (var (chatRef, messageIds) in due)
        {
            if (targets.TryGetValue(chatRef, out var chatId) && !await deleter.DeleteAsync(chatId, messageIds, cancellationToken))
            {
                continue; // a network failure: the rows stay, the next sweep tries again
            }

            await using var db = await database.BeginAsync(cancellationToken);
            await trackedMessages.RemoveAsync(db, chatRef, messageIds, cancellationToken);
            await db.CommitAsync(cancellationToken);
            deleted += messageIds.Count;
        }

        if (deleted > 0)
        {
            logger.LogDebug("Deleted {Count} expired messages from {Chats} chats.", deleted, due.Count);
        }

        return deleted;
    }
}
