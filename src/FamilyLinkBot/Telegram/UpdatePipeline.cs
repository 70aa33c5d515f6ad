using FamilyLinkBot.Conversations;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Privacy;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Telegram;

/// <summary>
/// Applies each incoming update exactly once (docs/DESIGN.md#8-delivery). A batch of updates from private chats is applied in one
/// transaction (per group of chats, see <see cref="ApplyPrivateAsync"/>): the update id is recorded, the chat's state
/// loaded, the handler run, the new state and the replies stored in the outbox. Should one update fail, the group is
/// rolled back and run again with each update inside its own savepoint: the failing one is rolled back and answered
/// with an apology; the others stand. Updates are applied in update-id order, so each chat's stay in order.
/// </summary>
public sealed class UpdatePipeline(
    Database database,
    ChatStore chats,
    ProcessedUpdateStore processedUpdates,
    SessionStore sessions,
    TrackedMessageStore trackedMessages,
    KeyStore keys,
    Router router,
    RoleResolver roles,
    Outbox outbox,
    OutboxStore outboxStore,
    ITelegramBotClient bot,
    ISendRateLimiter limiter,
    Texts texts,
    TimeProvider time,
    IOptions<ConversationOptions> conversationOptions,
    Monitoring.BotMetrics metrics,
    ILogger<UpdatePipeline> logger)
{
    private readonly Texts _texts = texts;

    /// <summary>Handles one update; never throws for anything the update contains.</summary>
    public Task ProcessAsync(Update update, CancellationToken cancellationToken) => ProcessBatchAsync([update], cancellationToken);

    /// <summary>Handles a batch of updates (a poll's, or the webhook requests that arrived together); never throws for anything the updates contain.</summary>
    public async Task ProcessBatchAsync(IReadOnlyList<Update> updates, CancellationToken cancellationToken)
    {
        var privateUpdates = new List<Update>(updates.Count);
        foreach (var update in updates.OrderBy(u => u.Id))
        {
            var chat = ChatOf(update);
            if (chat is { Type: ChatType.Private })
            {
                privateUpdates.Add(update);
            }
            else if (chat is not null)
            {
                await GuardAsync(update, () => HandleGroupAsync(update, chat, cancellationToken), cancellationToken);
            }
            else if (update.CallbackQuery is { } orphan)
            {
                await AnswerCallbackAsync(orphan.Id, _texts.Get(LanguageCodes.FromTelegram(orphan.From.LanguageCode), "answer.button_expired"));
            }

            // Edited messages, reactions, polls and the like carry nothing the bot acts on.
        }

        if (privateUpdates.Count > 0)
        {
            // What escapes here is not about one update (the database is unavailable, say): it propagates, so the
            // polling offset is not advanced (or the webhook answers 500) and the whole batch comes again.
            await ApplyPrivateAsync(privateUpdates, cancellationToken);
        }

        metrics.UpdatesProcessed(updates.Count);
    }

    /// <summary>
    /// On an engine with side-by-side writers the batch's chats are split into up to <see cref="ParallelGroups"/>
    /// groups applied at once, each in its own transaction on its own connection (a chat's updates stay in one group,
    /// in update-id order); with one writer (SQLite) the batch is one group. A group that cannot be stored propagates:
    /// the whole batch comes again, and the groups already stored are recognised as processed.
    /// </summary>
    private async Task ApplyPrivateAsync(List<Update> updates, CancellationToken cancellationToken)
    {
        if (database.Dialect.SingleWriter || updates.Count == 1)
        {
            await ApplyGroupAsync(updates, cancellationToken);
            return;
        }

        var groups = updates
            .GroupBy(u => ChatOf(u)!.Id)
            .Select((chat, n) => (Group: n % ParallelGroups, Updates: chat))
            .GroupBy(c => c.Group, c => c.Updates)
            .Select(g => g.SelectMany(u => u).OrderBy(u => u.Id).ToList())
            .ToList();
        await Task.WhenAll(groups.Select(g => ApplyGroupAsync(g, cancellationToken)));
    }

    /// <summary>How many groups of a batch are applied at once where writers run side by side.</summary>
    internal const int ParallelGroups = 8;

    /// <summary>How often a group is run again after a deadlock with another writer before the batch fails.</summary>
    private const int GroupAttempts = 4;

    private async Task ApplyGroupAsync(List<Update> updates, CancellationToken cancellationToken)
    {
        // First without a savepoint per update (two round trips each on a server); should one update fail, the group
        // rolls back and runs again with savepoints, so that only that update is answered with an apology.
        var isolate = updates.Count == 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ApplyGroupOnceAsync(updates, isolate, cancellationToken);
                return;
            }
            catch (Exception ex) when (!isolate && !database.Dialect.IsRetryable(ex)
                && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                isolate = true;
                attempt--;
            }
            catch (Exception ex) when (attempt < GroupAttempts && database.Dialect.IsRetryable(ex))
            {
                // Two writers waited for each other (an update reaching into another chat, say) and the server chose
                // this one: nothing of it was stored, so it runs again from the start.
                logger.LogInformation("A batch of {Count} updates met another writer ({Error}); running it again.", updates.Count, database.Dialect.DescribeError(ex));
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50) * attempt), cancellationToken);
            }
        }
    }

    /// <param name="isolate">Each update in a savepoint of its own, so that one that fails is rolled back alone and apologised for.</param>
    private async Task ApplyGroupOnceAsync(List<Update> updates, bool isolate, CancellationToken cancellationToken)
    {
        var turns = new List<(Update Update, Turn? Turn)>(updates.Count);
        await using (var db = await database.BeginAsync(cancellationToken))
        {
            // Every chat of the group, locked up front in one order: its updates apply in update-id order and once,
            // whichever instance received them (docs/DESIGN.md#12-scale-out).
            await db.Dialect.LockChatsAsync(db, updates.Select(u => chats.IndexOf(ChatOf(u)!.Id)), cancellationToken);
            for (var i = 0; i < updates.Count; i++)
            {
                var update = updates[i];
                if (!isolate)
                {
                    turns.Add((update, await ApplyAsync(db, update, cancellationToken)));
                    continue;
                }

                var savepoint = "u" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await db.Transaction.SaveAsync(savepoint, cancellationToken);
                try
                {
                    turns.Add((update, await ApplyAsync(db, update, cancellationToken)));
                    await db.Transaction.ReleaseAsync(savepoint, cancellationToken);
                }
                catch (Exception ex) when ((ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    && !database.Dialect.IsRetryable(ex))
                {
                    await db.RollbackToAsync(savepoint, cancellationToken);
                    LogFailure(update, ex);
                    await ApologizeAsync(db, update, savepoint, cancellationToken);
                    turns.Add((update, null));
                }
            }

            await db.CommitAsync(cancellationToken);
        }

        outbox.Wake();
        foreach (var (update, turn) in turns)
        {
            foreach (var action in turn?.AfterCommitActions ?? [])
            {
                try
                {
                    await action(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("A follow-up of update {UpdateId} failed ({ErrorType}).", update.Id, ex.GetType().Name);
                }
            }
        }

        // Button presses are answered after commit (a toast, or nothing): the spinner stops only once the change is stored.
        await Task.WhenAll(turns
            .Where(t => t.Update.CallbackQuery is not null)
            .Select(t => AnswerCallbackAsync(t.Update.CallbackQuery!.Id, t.Turn?.CallbackAnswer)));
    }

    /// <summary>Applies one update inside the batch's transaction; null when it was applied before (a redelivery).</summary>
    private async Task<Turn?> ApplyAsync(UnitOfWork db, Update update, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!await processedUpdates.MarkAsync(db, update.Id, now, cancellationToken))
        {
            return null; // redelivered: already applied, and its replies already in the outbox.
        }

        var chatId = ChatOf(update)!.Id;
        var from = update.Message?.From ?? update.CallbackQuery?.From;
        using var chat = await chats.FindAsync(db, chatId, cancellationToken)
            ?? await chats.CreateAsync(db, chatId, now, cancellationToken);
        if (!chat.IsNew)
        {
            await chats.TouchAsync(db, chat, now, cancellationToken);
        }

        var session = await sessions.LoadAsync(db, chat, cancellationToken);
        var turn = new Turn
        {
            Db = db,
            Chat = chat,
            Session = session,
            Texts = _texts,
            Now = now,
            UpdateId = update.Id,
            Role = from is null ? Role.Anyone : await roles.ResolveAsync(db, from.Id, chat, cancellationToken),
            Language = chat.Language ?? LanguageCodes.FromTelegram(from?.LanguageCode),
            IncomingText = update.Message?.Text is { } incoming ? UserText.Clean(incoming) : null,
            IncomingMessageId = update.Message?.Id,
            RepliedToMessageId = update.Message?.ReplyToMessage?.Id,
            RepliedToText = update.Message?.ReplyToMessage?.Text,
            PressedMessageId = update.CallbackQuery?.Message?.Id,
        };

        DropIdleFlow(turn);
        if (update.CallbackQuery is { } query)
        {
            await router.HandleCallbackAsync(turn, query.Data is { } data ? UserText.Clean(data) : null, cancellationToken);
        }
        else if (turn.IncomingText is { } text)
        {
            await router.HandleTextAsync(turn, text, cancellationToken);
        }
        else
        {
            await router.HandleNonTextAsync(turn, cancellationToken);
        }

        if (!turn.Erased)
        {
            await StoreTurnAsync(turn, now, cancellationToken);
        }

        return turn;
    }

    /// <summary>Runs work for updates and keeps anything unexpected from escaping: it is logged without personal data.</summary>
    private async Task GuardAsync(Update update, Func<Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await work();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            LogFailure(update, ex);
        }
    }

    private void LogFailure(Update update, Exception ex)
    {
        var chat = ChatOf(update);
        var pseudonym = keys.IsLoaded && chat is not null ? Pseudonym.Of(keys.Index.ChatIndex(chat.Id)) : "-";
        logger.LogError("Update {UpdateId} of chat {Chat} failed with {ErrorType} at {Where}.", update.Id, pseudonym, ex.GetType().Name, ex.TargetSite?.Name);
    }

    /// <summary>The turn's state, its replies and the user's message (for /panic and the timer) go into the same transaction.</summary>
    private async Task StoreTurnAsync(Turn turn, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = turn.Session;
        if (session.Flow is not null)
        {
            session.FlowTouchedAt = now;
        }

        if (turn.SessionChanged)
        {
            await sessions.SaveAsync(turn.Db, turn.Chat, session, now, cancellationToken);
        }

        if (turn.IncomingMessageId is { } incoming && !turn.IncomingHandled)
        {
            await trackedMessages.TrackAsync(
                turn.Db, turn.Chat.Id, incoming, now, turn.IncomingIsSensitive ? turn.SensitiveTtl : null, cancellationToken);
        }

        foreach (var reply in turn.Replies)
        {
            await outboxStore.EnqueueAsync(turn.Db, turn.Chat, Lane.Interactive, reply, now, cancellationToken);
        }
    }

    private void DropIdleFlow(Turn turn)
    {
        var session = turn.Session;
        if (session.Flow is null || session.FlowTouchedAt is not { } touched)
        {
            return;
        }

        if (turn.Now - touched > conversationOptions.Value.IdleTimeout)
        {
            session.EndFlow();
            session.Menu = null;
            turn.Reply(turn.T("flow.idle_expired"));
        }
    }

    /// <summary>In a group the bot says once that it works in private chats, and keeps only the group's blind index.</summary>
    private async Task HandleGroupAsync(Update update, Chat chat, CancellationToken cancellationToken)
    {
        if (update.CallbackQuery is { } query)
        {
            await AnswerCallbackAsync(query.Id, _texts.Get(LanguageCodes.FromTelegram(query.From.LanguageCode), "answer.button_expired"));
            return;
        }

        if (update.Message is null)
        {
            return;
        }

        bool first;
        await using (var db = await database.BeginAsync(cancellationToken))
        {
            await using var insert = db.Command("INSERT INTO silenced_groups (chat_index) VALUES (@index) ON CONFLICT DO NOTHING;")
                .With("@index", keys.Index.ChatIndex(chat.Id));
            first = await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
            await db.CommitAsync(cancellationToken);
        }

        if (first)
        {
            var language = LanguageCodes.FromTelegram(update.Message.From?.LanguageCode);
            try
            {
                using (await limiter.AcquireAsync(Lane.Interactive, cancellationToken))
                {
                    await bot.SendMessage(chat.Id, _texts.Get(language, "group.private_only"), ParseMode.Html, cancellationToken: cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogInformation("Could not tell a group that the bot works in private chats ({ErrorType}).", ex.GetType().Name);
            }
        }
    }

    /// <summary>After a failure the update's changes were rolled back; it is recorded as done and the user gets a short apology.</summary>
    private async Task ApologizeAsync(UnitOfWork db, Update update, string savepoint, CancellationToken cancellationToken)
    {
        await db.Transaction.SaveAsync(savepoint, cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (!await processedUpdates.MarkAsync(db, update.Id, now, cancellationToken))
            {
                return;
            }

            using var chat = await chats.FindAsync(db, ChatOf(update)!.Id, cancellationToken);
            if (chat is not null)
            {
                var language = chat.Language ?? LanguageCodes.FromTelegram((update.Message?.From ?? update.CallbackQuery?.From)?.LanguageCode);
                await outboxStore.EnqueueAsync(db, chat, Lane.Interactive, new OutgoingMessage { Text = _texts.Get(language, "error.generic") }, now, cancellationToken);
            }

            await db.Transaction.ReleaseAsync(savepoint, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Even the apology failed (the chat's key cannot be read, say): leave the update unrecorded and move on.
            await db.RollbackToAsync(savepoint, cancellationToken);
            logger.LogError("Could not record the failed update {UpdateId} ({ErrorType}).", update.Id, ex.GetType().Name);
        }
    }

    private async Task AnswerCallbackAsync(string queryId, string? text)
    {
        try
        {
            await bot.AnswerCallbackQuery(queryId, text);
        }
        catch (Exception ex)
        {
            // A late or repeated answer is harmless: Telegram just stops the button's spinner itself.
            logger.LogDebug("Answering a button press failed ({ErrorType}).", ex.GetType().Name);
        }
    }

    private static Chat? ChatOf(Update update) => update switch
    {
        { Message: { } m } => m.Chat,
        { CallbackQuery: { } q } => q.Message?.Chat,
        _ => null,
    };
}
