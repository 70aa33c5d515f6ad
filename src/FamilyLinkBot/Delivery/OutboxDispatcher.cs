using System.Collections.Concurrent;
using System.Globalization;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Privacy;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Telegram;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// Sends what the outbox holds (SPEC §8). One scheduling loop hands each send slot of the global rate
/// (<see cref="ISendRateLimiter"/>, shared with the few direct sends) to the
/// highest-priority due item (see <see cref="SendScheduler"/>) and starts its request; up to
/// <see cref="MaxInFlight"/> requests run at once. Telegram's answers: 429 pauses all sending for retry_after,
/// 5xx and network errors retry with back-off and jitter, 403 marks the chat inactive, 400 fails the item.
/// On shutdown it stops taking work and lets requests in flight finish (for at most 5 s).
/// </summary>
public sealed class OutboxDispatcher : BackgroundService
{
    internal const int WindowSize = 1000;
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);
    // New rows are read at most this often (real time): a burst of replies wakes the loop per update, and re-reading
    // the window each time would cost more than the sends.
    private static readonly TimeSpan RefreshGap = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PurgeAfter = TimeSpan.FromDays(7);

    private readonly Database _database;
    private readonly ChatRepository _chats;
    private readonly Outbox _outbox;
    private readonly BroadcastStore _broadcasts;
    private readonly ITelegramBotClient _bot;
    private readonly TimeProvider _time;
    private readonly DeliveryOptions _options;
    private readonly ILogger<OutboxDispatcher> _logger;
    // Rate limits run on real time whatever clock the bot is given: they are about Telegram's wall-clock limits.
    private readonly SendScheduler _scheduler = new(TimeProvider.System);
    private readonly ISendRateLimiter _limiter;
    private readonly ConcurrentDictionary<long, string> _broadcastTexts = new();
    private readonly GroupCommit<Settlement, DateTimeOffset?> _records;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    public OutboxDispatcher(
        Database database,
        ChatRepository chats,
        Outbox outbox,
        BroadcastStore broadcasts,
        ITelegramBotClient bot,
        ISendRateLimiter limiter,
        TimeProvider time,
        IOptions<DeliveryOptions> options,
        ILogger<OutboxDispatcher> logger)
    {
        _database = database;
        _chats = chats;
        _outbox = outbox;
        _broadcasts = broadcasts;
        _bot = bot;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _limiter = limiter;
        MaxInFlight = Math.Clamp(_options.MessagesPerSecond / 4, 4, 32);
        _records = new GroupCommit<Settlement, DateTimeOffset?>(database, ApplyAsync);
    }

    /// <summary>Requests at once: enough to keep the rate with Telegram's ~100–300 ms answers; also the most a kill can duplicate.</summary>
    public int MaxInFlight { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(MaxInFlight, MaxInFlight);
        using var sendCancel = new CancellationTokenSource();
        await using var drain = stoppingToken.Register(() => sendCancel.CancelAfter(DrainLimit));
        var running = new ConcurrentDictionary<long, Task>();
        var recorder = Task.Run(_records.RunAsync, CancellationToken.None);
        var refreshDue = true;
        var lastFull = false;
        var lastRefresh = DateTimeOffset.MinValue;
        var lastRefreshStamp = 0L;
        var lastPurge = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WaitOutPauseAsync(stoppingToken);
                var now = _time.GetUtcNow();
                refreshDue |= _outbox.TakeSignal()
                    || now - lastRefresh >= RefreshInterval
                    || (lastFull && _scheduler.WindowCount < WindowSize / 2);
                var sinceRefresh = TimeProvider.System.GetElapsedTime(lastRefreshStamp);
                if (refreshDue && sinceRefresh >= RefreshGap)
                {
                    lastFull = await RefreshAsync(stoppingToken) >= WindowSize;
                    lastRefresh = now;
                    lastRefreshStamp = TimeProvider.System.GetTimestamp();
                    refreshDue = false;
                }

                if (now - lastPurge > TimeSpan.FromHours(1))
                {
                    await PurgeAsync(now, stoppingToken);
                    lastPurge = now;
                }

                var item = _scheduler.Take(now);
                if (item is null)
                {
                    await _outbox.WaitAsync(refreshDue ? RefreshGap - sinceRefresh : TimeSpan.FromMilliseconds(100), stoppingToken);
                    continue;
                }

                IDisposable? rateSlot = null;
                try
                {
                    await slots.WaitAsync(stoppingToken);
                    rateSlot = await _limiter.AcquireAsync(item.Lane, stoppingToken);
                    _scheduler.Started(item);
                    await WaitOutPauseAsync(stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    rateSlot?.Dispose();
                    _scheduler.Finished(item, item.NotBefore);
                    throw;
                }

                running[item.Id] = Task.Run(
                    async () =>
                    {
                        try
                        {
                            await SendAndRecordAsync(item, rateSlot, sendCancel.Token);
                        }
                        finally
                        {
                            rateSlot.Dispose();
                            running.TryRemove(item.Id, out _);
                            slots.Release();
                        }
                    },
                    CancellationToken.None);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogError("Outbox dispatch failed with {ErrorType}; retrying shortly.", ex.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        // Shutdown: no new work; the requests in flight finish (or are cut off after DrainLimit and retried next start).
        await Task.WhenAll(running.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _records.Complete();
        await recorder.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _logger.LogInformation("Outbox dispatcher stopped.");
    }

    private async Task WaitOutPauseAsync(CancellationToken cancellationToken)
    {
        var pause = _pausedUntil - TimeProvider.System.GetUtcNow();
        if (pause > TimeSpan.Zero)
        {
            await Task.Delay(pause, TimeProvider.System, cancellationToken);
        }
    }

    /// <summary>Reads the first pending rows by (lane, id) into the scheduler's window; returns how many were read.</summary>
    private async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        _scheduler.BeginRefresh();
        var items = new List<DueItem>(WindowSize);
        await using (var connection = await _database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText =
                "SELECT id, chat_ref, lane, attempts, not_before, broadcast_id FROM outbox WHERE state = 0 ORDER BY lane, id LIMIT $limit;";
            command.With("$limit", WindowSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new DueItem(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    (Lane)reader.GetInt32(2),
                    reader.GetInt32(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    reader.IsDBNull(5) ? null : reader.GetInt64(5)));
            }
        }

        if (!items.Any(i => i.BroadcastId is not null))
        {
            _broadcastTexts.Clear(); // no broadcast text stays in memory longer than its sending
        }

        _scheduler.Replace(items, _time.GetUtcNow());
        return items.Count;
    }

    /// <param name="rateSlot">Given back as soon as Telegram has answered: the request has arrived by then.</param>
    private async Task SendAndRecordAsync(DueItem item, IDisposable rateSlot, CancellationToken cancellationToken)
    {
        DateTimeOffset? retryAt = null;
        try
        {
            ChatRecord? chat;
            OutgoingMessage? message;
            await using (var db = await ReadAsync(cancellationToken))
            {
                await using (var read = db.Command("SELECT payload, state FROM outbox WHERE id = $id;").With("$id", item.Id))
                await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
                {
                    if (!await reader.ReadAsync(cancellationToken) || reader.GetInt64(1) != 0)
                    {
                        return; // erased, cancelled or handled meanwhile
                    }

                    chat = await _chats.GetAsync(db, item.ChatRef, cancellationToken);
                    if (chat is null)
                    {
                        return;
                    }

                    message = item.BroadcastId is { } broadcastId
                        ? await BroadcastMessageAsync(db, broadcastId, cancellationToken)
                        : Outbox.Decrypt(chat.Key, item.Id, reader.GetBlobOrNull(0)!);
                }
            }

            using (chat)
            {
                if (message is null)
                {
                    await RecordAsync(item, chat, new Outcome(OutcomeKind.Failed, null, "broadcast gone"));
                    return;
                }

                message = WithPhrase(item.Lane, chat, message);
                var outcome = await TrySendAsync(chat.TelegramChatId, item.Lane, message, cancellationToken);
                rateSlot.Dispose();
                retryAt = await RecordAsync(item, chat, outcome);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            retryAt = item.NotBefore; // cut off at shutdown: still pending, sent again after restart
        }
        catch (Exception ex)
        {
            _logger.LogError("Sending outbox item {ItemId} failed with {ErrorType}.", item.Id, ex.GetType().Name);
            retryAt = _time.GetUtcNow().AddSeconds(5);
        }
        finally
        {
            _scheduler.Finished(item, retryAt);
            _outbox.Nudge();
        }
    }

    /// <summary>A read-only (deferred) transaction: reading a payload must not take SQLite's write lock.</summary>
    private async Task<UnitOfWork> ReadAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken);
        return new UnitOfWork(connection, connection.BeginTransaction(deferred: true));
    }

    private async Task<OutgoingMessage?> BroadcastMessageAsync(UnitOfWork db, long broadcastId, CancellationToken cancellationToken)
    {
        if (!_broadcastTexts.TryGetValue(broadcastId, out var text))
        {
            text = await _broadcasts.TextAsync(db, broadcastId, cancellationToken);
            if (text is null)
            {
                return null;
            }

            _broadcastTexts[broadcastId] = text;
        }

        return new OutgoingMessage { Text = Html.Escape(text) };
    }

    /// <summary>SPEC §6: every push the family did not ask for begins with its security phrase, when set.</summary>
    internal static OutgoingMessage WithPhrase(Lane lane, ChatRecord chat, OutgoingMessage message)
    {
        if (lane == Lane.Interactive || PrivacySettings.Phrase(chat) is not { } phrase)
        {
            return message;
        }

        return message with { Text = "<b>" + Html.Escape(phrase) + "</b>\n\n" + message.Text };
    }

    private async Task<Outcome> TrySendAsync(long chatId, Lane lane, OutgoingMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var markup = message.Keyboard is null
                ? null
                : new InlineKeyboardMarkup(message.Keyboard.Select(row => row.Select(b => InlineKeyboardButton.WithCallbackData(b.Text, b.CallbackData))));
            if (message.EditMessageId is { } editId)
            {
                try
                {
                    await _bot.EditMessageText(chatId, editId, message.Text, ParseMode.Html, markup, cancellationToken: cancellationToken);
                }
                catch (ApiRequestException ex) when (ex.ErrorCode == 400 && ex.Message.Contains("not modified", StringComparison.OrdinalIgnoreCase))
                {
                    // Pressing the same button twice, or progress that did not move: nothing to change, which is success.
                }

                return new Outcome(OutcomeKind.Sent, editId, null) { Edited = true };
            }

            var sent = await _bot.SendMessage(
                chatId,
                message.Text,
                ParseMode.Html,
                replyMarkup: markup,
                linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true },
                protectContent: message.Protect,
                allowPaidBroadcast: lane == Lane.Bulk && _options.AllowPaidBroadcast,
                cancellationToken: cancellationToken);
            return new Outcome(OutcomeKind.Sent, sent.MessageId, null) { DisappearAfterSeconds = message.DisappearAfterSeconds };
        }
        catch (ApiRequestException ex) when (ex.ErrorCode == 429)
        {
            var seconds = ex.Parameters?.RetryAfter ?? 1;
            var until = TimeProvider.System.GetUtcNow().AddSeconds(seconds);
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }

            _logger.LogWarning("Telegram asked to slow down: all sending pauses for {Seconds} s.", seconds);
            return new Outcome(OutcomeKind.RetryNow, null, null);
        }
        catch (ApiRequestException ex) when (ex.ErrorCode == 403)
        {
            return new Outcome(OutcomeKind.Blocked, null, "403");
        }
        catch (ApiRequestException ex) when (ex.ErrorCode == 400)
        {
            return new Outcome(OutcomeKind.Failed, null, ErrorReason(ex));
        }
        catch (ApiRequestException ex)
        {
            return new Outcome(OutcomeKind.Retry, null, ex.ErrorCode.ToString(CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException ex)
        {
            return new Outcome(OutcomeKind.Retry, null, ex.StatusCode is { } code ? ((int)code).ToString(CultureInfo.InvariantCulture) : "network");
        }
        catch (RequestException)
        {
            return new Outcome(OutcomeKind.Retry, null, "network");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(OutcomeKind.Retry, null, "timeout");
        }
    }

    /// <summary>Stores the outcome (group-committed with other sends' outcomes); returns when to try again, or null when the item is settled.</summary>
    private async Task<DateTimeOffset?> RecordAsync(DueItem item, ChatRecord chat, Outcome outcome)
    {
        if (outcome.Kind == OutcomeKind.RetryNow)
        {
            return item.NotBefore; // nothing to write: the global pause holds everything back
        }

        var retryAt = await _records.WriteAsync(new Settlement(item, chat.Id, outcome, _time.GetUtcNow()));
        switch (outcome.Kind)
        {
            case OutcomeKind.Failed:
                _logger.LogWarning("Message {ItemId} to chat {Chat} was refused by Telegram: {Reason}", item.Id, chat.Pseudonym, outcome.Error);
                break;
            case OutcomeKind.Blocked:
                _logger.LogInformation("Chat {Chat} blocked the bot or was deactivated; it is marked inactive.", chat.Pseudonym);
                break;
            case OutcomeKind.Retry when retryAt is null:
                _logger.LogWarning("Message {ItemId} to chat {Chat} failed after {Attempts} attempts ({Reason}).", item.Id, chat.Pseudonym, item.Attempts + 1, outcome.Error);
                break;
        }

        return retryAt;
    }

    /// <summary>
    /// Writes one outcome inside the group commit's transaction; returns when to try again, or null when settled.
    /// A 429 (<see cref="OutcomeKind.RetryNow"/>) writes nothing and never comes here.
    /// </summary>
    private async Task<DateTimeOffset?> ApplyAsync(UnitOfWork db, Settlement settlement)
    {
        var (item, chatRef, outcome, now) = settlement;
        DateTimeOffset? retryAt = null;
        switch (outcome.Kind)
        {
            case OutcomeKind.Sent:
                // The payload is blanked at once: sent text does not linger in the database.
                await ExecAsync(db, "UPDATE outbox SET state = 1, payload = x'', error = NULL, message_id = $message WHERE id = $id;", item.Id, null, message: outcome.MessageId);
                if (outcome.MessageId is { } messageId && !outcome.Edited)
                {
                    await TrackedMessages.TrackAsync(db, chatRef, messageId, now, outcome.DisappearAfterSeconds, CancellationToken.None);
                }

                break;
            case OutcomeKind.Failed:
                await ExecAsync(db, "UPDATE outbox SET state = 2, payload = x'', error = $error WHERE id = $id;", item.Id, outcome.Error);
                break;
            case OutcomeKind.Blocked:
                await ExecAsync(db, "UPDATE outbox SET state = 2, payload = x'', error = 'blocked' WHERE state = 0 AND chat_ref = $chat;", null, null, chatRef);
                await ChatRepository.SetActiveAsync(db, chatRef, active: false, CancellationToken.None);
                break;
            case OutcomeKind.Retry:
                var attempts = item.Attempts + 1;
                if (attempts >= _options.MaxAttempts)
                {
                    await ExecAsync(db, "UPDATE outbox SET state = 2, payload = x'', attempts = attempts + 1, error = $error WHERE id = $id;", item.Id, outcome.Error);
                }
                else
                {
                    retryAt = now.Add(Backoff(attempts));
                    await using var command = db.Command("UPDATE outbox SET attempts = attempts + 1, not_before = $at, error = $error WHERE id = $id;")
                        .With("$at", retryAt.Value.ToUnixTimeMilliseconds())
                        .With("$error", outcome.Error)
                        .With("$id", item.Id);
                    await command.ExecuteNonQueryAsync(CancellationToken.None);
                }

                break;
        }

        return retryAt;
    }

    /// <summary>Settled rows are kept a week (delivery statistics), then go.</summary>
    private async Task PurgeAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await _database.BeginAsync(cancellationToken);
        await using var command = db.Command(
                "DELETE FROM outbox WHERE state <> 0 AND created_at < $before AND (broadcast_id IS NULL OR broadcast_id IN (SELECT id FROM broadcasts WHERE state <> 0));")
            .With("$before", now.Subtract(PurgeAfter).ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
        await db.CommitAsync(cancellationToken);
    }

    /// <summary>Exponential back-off with full jitter: 1 s, 2 s, 4 s … up to 5 min.</summary>
    internal static TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(300, Math.Pow(2, attempt - 1));
        return TimeSpan.FromSeconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    /// <summary>Telegram's description up to its first detail: the detail may quote parts of our text.</summary>
    private static string ErrorReason(ApiRequestException ex)
    {
        var message = ex.Message;
        var first = message.IndexOf(':', StringComparison.Ordinal);
        var second = first < 0 ? -1 : message.IndexOf(':', first + 1);
        var reason = second < 0 ? message : message[..second];
        return "400 " + (reason.Length > 80 ? reason[..80] : reason);
    }

    private static async Task ExecAsync(UnitOfWork db, string sql, long? id, string? error, string? chatRef = null, int? message = null)
    {
        await using var command = db.Command(sql);
        if (id is not null)
        {
            command.With("$id", id);
        }

        if (sql.Contains("$error", StringComparison.Ordinal))
        {
            command.With("$error", error);
        }

        if (sql.Contains("$message", StringComparison.Ordinal))
        {
            command.With("$message", message);
        }

        if (chatRef is not null)
        {
            command.With("$chat", chatRef);
        }

        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private enum OutcomeKind
    {
        Sent,
        Failed,
        Blocked,
        Retry,
        RetryNow,
    }

    private sealed record Settlement(DueItem Item, string ChatRef, Outcome Outcome, DateTimeOffset At);

    private sealed record Outcome(OutcomeKind Kind, int? MessageId, string? Error)
    {
        public bool Edited { get; init; }

        public int? DisappearAfterSeconds { get; init; }
    }
}
