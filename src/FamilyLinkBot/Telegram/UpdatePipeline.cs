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
/// Applies each incoming update exactly once (SPEC §8): in one transaction it checks the update id,
/// loads the chat's state, runs the handler, stores the new state and the replies in the outbox, and
/// records the id. Updates of one chat run in order; different chats run in parallel.
/// </summary>
public sealed class UpdatePipeline(
    Database database,
    ChatRepository chats,
    KeyStore keys,
    Router router,
    RoleResolver roles,
    Outbox outbox,
    ITelegramBotClient bot,
    TimeProvider time,
    IOptions<ConversationOptions> conversationOptions,
    IOptions<TelegramOptions> telegramOptions,
    ILogger<UpdatePipeline> logger)
{
    private readonly Texts _texts = Texts.Shared;

    public async Task ProcessBatchAsync(IReadOnlyList<Update> updates, CancellationToken cancellationToken)
    {
        if (updates.Count == 1)
        {
            await ProcessAsync(updates[0], cancellationToken);
            return;
        }

        var byChat = updates.GroupBy(u => ChatOf(u)?.Id ?? 0).ToList();
        await Parallel.ForEachAsync(
            byChat,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, telegramOptions.Value.MaxParallelChats), CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                foreach (var update in group.OrderBy(u => u.Id))
                {
                    await ProcessAsync(update, ct);
                }
            });
    }

    /// <summary>Handles one update; never throws for anything the update contains.</summary>
    public async Task ProcessAsync(Update update, CancellationToken cancellationToken)
    {
        var chat = ChatOf(update);
        if (chat is null)
        {
            if (update.CallbackQuery is { } orphan)
            {
                await AnswerCallbackAsync(orphan.Id, _texts.Get(LanguageCodes.FromTelegram(orphan.From.LanguageCode), "answer.button_expired"));
            }

            return; // edited messages, reactions, polls and the like carry nothing the bot acts on.
        }

        try
        {
            if (chat.Type != ChatType.Private)
            {
                await HandleGroupAsync(update, chat, cancellationToken);
                return;
            }

            await HandlePrivateAsync(update, chat.Id, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var pseudonym = keys.IsLoaded ? Pseudonym.Of(keys.Index.ChatIndex(chat.Id)) : "-";
            logger.LogError("Update {UpdateId} of chat {Chat} failed with {ErrorType} at {Where}.", update.Id, pseudonym, ex.GetType().Name, ex.TargetSite?.Name);
            await ApologizeAsync(update, chat.Id, cancellationToken);
        }
    }

    private async Task HandlePrivateAsync(Update update, long chatId, CancellationToken cancellationToken)
    {
        var from = update.Message?.From ?? update.CallbackQuery?.From;
        var now = time.GetUtcNow();
        Turn turn;
        await using (var db = await database.BeginAsync(cancellationToken))
        {
            if (!await MarkProcessedAsync(db, update.Id, now, cancellationToken))
            {
                return; // redelivered: already applied, and its replies already in the outbox.
            }

            using var chat = await chats.FindAsync(db, chatId, cancellationToken)
                ?? await chats.CreateAsync(db, chatId, now, cancellationToken);
            if (!chat.IsNew)
            {
                await ChatRepository.TouchAsync(db, chat, now, cancellationToken);
            }

            var session = await SessionStore.LoadAsync(db, chat, cancellationToken);
            turn = new Turn
            {
                Db = db,
                Chat = chat,
                Session = session,
                Texts = _texts,
                Router = router,
                Now = now,
                UpdateId = update.Id,
                Role = from is null ? Role.Anyone : await roles.ResolveAsync(db, from.Id, chat, cancellationToken),
                Language = chat.Language ?? LanguageCodes.FromTelegram(from?.LanguageCode),
                IncomingText = update.Message?.Text is { } incoming ? UserText.Clean(incoming) : null,
                IncomingMessageId = update.Message?.Id,
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

            await db.CommitAsync(cancellationToken);
        }

        foreach (var action in turn.AfterCommitActions)
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

        if (turn.Replies.Count > 0)
        {
            outbox.Wake();
        }

        if (update.CallbackQuery is { } answered)
        {
            await AnswerCallbackAsync(answered.Id, turn.CallbackAnswer);
        }
    }

    /// <summary>The turn's state, its replies and the user's message (for /panic and the timer) go into the same transaction.</summary>
    private static async Task StoreTurnAsync(Turn turn, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = turn.Session;
        if (session.Flow is not null)
        {
            session.FlowTouchedAt = now;
            turn.SessionChanged = true;
        }

        if (turn.SessionChanged)
        {
            await SessionStore.SaveAsync(turn.Db, turn.Chat, session, now, cancellationToken);
        }

        if (turn.IncomingMessageId is { } incoming && !turn.IncomingHandled)
        {
            await TrackedMessages.TrackAsync(
                turn.Db, turn.Chat.Id, incoming, now, turn.IncomingIsSensitive ? turn.SensitiveTtl : null, cancellationToken);
        }

        foreach (var reply in turn.Replies)
        {
            await Outbox.EnqueueAsync(turn.Db, turn.Chat, Lane.Interactive, reply, now, cancellationToken);
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
            turn.SessionChanged = true;
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
            await using var insert = db.Command("INSERT OR IGNORE INTO silenced_groups (chat_index) VALUES ($index);")
                .With("$index", keys.Index.ChatIndex(chat.Id));
            first = await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
            await db.CommitAsync(cancellationToken);
        }

        if (first)
        {
            var language = LanguageCodes.FromTelegram(update.Message.From?.LanguageCode);
            try
            {
                await bot.SendMessage(chat.Id, _texts.Get(language, "group.private_only"), ParseMode.Html, cancellationToken: cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogInformation("Could not tell a group that the bot works in private chats ({ErrorType}).", ex.GetType().Name);
            }
        }
    }

    private static async Task<bool> MarkProcessedAsync(UnitOfWork db, int updateId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command("INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES ($id, $now);")
            .With("$id", updateId)
            .With("$now", now.ToUnixTimeSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>After a failure: the state change was rolled back; the user gets a short apology, once.</summary>
    private async Task ApologizeAsync(Update update, long chatId, CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            await using var db = await database.BeginAsync(cancellationToken);
            if (!await MarkProcessedAsync(db, update.Id, now, cancellationToken))
            {
                return;
            }

            using var chat = await chats.FindAsync(db, chatId, cancellationToken);
            if (chat is not null)
            {
                var language = chat.Language ?? LanguageCodes.FromTelegram((update.Message?.From ?? update.CallbackQuery?.From)?.LanguageCode);
                await Outbox.EnqueueAsync(db, chat, Lane.Interactive, new OutgoingMessage { Text = _texts.Get(language, "error.generic") }, now, cancellationToken);
            }

            await db.CommitAsync(cancellationToken);
            outbox.Wake();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError("Could not record the failed update {UpdateId} ({ErrorType}).", update.Id, ex.GetType().Name);
        }

        if (update.CallbackQuery is { } query)
        {
            await AnswerCallbackAsync(query.Id, null);
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
