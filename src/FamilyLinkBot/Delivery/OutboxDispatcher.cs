using System.Threading.RateLimiting;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Privacy;
using FamilyLinkBot.Storage;
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
/// Sends what the outbox holds, oldest first within each lane, one message at a time per chat, under the
/// global rate limit. Telegram's answers are handled as SPEC §8 says: 429 pauses all sending, 5xx and
/// network errors retry with back-off and jitter, 403 marks the chat inactive, 400 fails the item.
/// </summary>
public sealed class OutboxDispatcher(
    Database database,
    ChatRepository chats,
    Outbox outbox,
    ITelegramBotClient bot,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private const int ParallelChats = 8;

    private readonly TokenBucketRateLimiter _limiter = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = Math.Max(1, options.Value.MessagesPerSecond),
        TokensPerPeriod = Math.Max(1, options.Value.MessagesPerSecond),
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    public override void Dispose()
    {
        _limiter.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pause = _pausedUntil - time.GetUtcNow();
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, time, stoppingToken);
                }

                var sent = await DispatchBatchAsync(stoppingToken);
                if (sent == 0)
                {
                    await outbox.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError("Outbox dispatch failed with {ErrorType} {Code}; retrying shortly.", ex.GetType().Name, (ex as Microsoft.Data.Sqlite.SqliteException)?.SqliteExtendedErrorCode);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Sends one batch of due items; returns how many were attempted.</summary>
    internal async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        var due = await LoadDueAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var byChat = due.GroupBy(item => item.ChatRef).ToList();
        await Parallel.ForEachAsync(
            byChat,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelChats, CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                foreach (var item in group)
                {
                    if (!await SendOneAsync(item, ct))
                    {
                        break; // keep this chat's order: later items wait for the one that could not go.
                    }
                }
            });
        return due.Count;
    }

    private async Task<List<DueItem>> LoadDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT id, chat_ref, lane, attempts, not_before FROM outbox WHERE state = 0 ORDER BY lane, id LIMIT $limit;";
        command.With("$limit", BatchSize);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var items = new List<DueItem>();
        var blockedChats = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var item = new DueItem(reader.GetInt64(0), reader.GetString(1), (Lane)reader.GetInt32(2), reader.GetInt32(3));
            // An item waiting for its back-off holds back the later items of its chat, to keep their order.
            if (reader.GetInt64(4) > now || blockedChats.Contains(item.ChatRef))
            {
                blockedChats.Add(item.ChatRef);
                continue;
            }

            items.Add(item);
        }

        return items;
    }

    /// <summary>Sends one item and records the outcome; false when the chat's later items must wait.</summary>
    private async Task<bool> SendOneAsync(DueItem item, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(1, cancellationToken);
        var pause = _pausedUntil - time.GetUtcNow();
        if (pause > TimeSpan.Zero)
        {
            await Task.Delay(pause, time, cancellationToken);
        }

        await using var db = await database.BeginAsync(cancellationToken);
        await using var read = db.Command("SELECT payload, state FROM outbox WHERE id = $id;").With("$id", item.Id);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.GetInt64(1) != 0)
        {
            return true; // erased or handled meanwhile
        }

        var payload = reader.GetBlobOrNull(0)!;
        await reader.DisposeAsync();
        using var chat = await chats.GetAsync(db, item.ChatRef, cancellationToken);
        if (chat is null)
        {
            return true;
        }

        var message = Outbox.Decrypt(chat.Key, item.Id, payload);
        // The transaction is not held across the HTTP call: other writers must not wait on Telegram.
        await db.CommitAsync(cancellationToken);

        var outcome = await TrySendAsync(chat.TelegramChatId, message, cancellationToken);
        await RecordAsync(item, chat, outcome, cancellationToken);
        return outcome.Kind is OutcomeKind.Sent or OutcomeKind.Failed or OutcomeKind.Blocked;
    }

    private async Task<Outcome> TrySendAsync(long chatId, OutgoingMessage message, CancellationToken cancellationToken)
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
                    await bot.EditMessageText(chatId, editId, message.Text, ParseMode.Html, markup, cancellationToken: cancellationToken);
                }
                catch (ApiRequestException ex) when (ex.ErrorCode == 400 && ex.Message.Contains("not modified", StringComparison.OrdinalIgnoreCase))
                {
                    // Pressing the same button twice: nothing to change, which is success.
                }

                return new Outcome(OutcomeKind.Sent, editId, null) { Edited = true };
            }

            var sent = await bot.SendMessage(
                chatId,
                message.Text,
                ParseMode.Html,
                replyMarkup: markup,
                linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true },
                protectContent: message.Protect,
                cancellationToken: cancellationToken);
            return new Outcome(OutcomeKind.Sent, sent.MessageId, null) { DisappearAfterSeconds = message.DisappearAfterSeconds };
        }
        catch (ApiRequestException ex) when (ex.ErrorCode == 429)
        {
            var seconds = ex.Parameters?.RetryAfter ?? 1;
            var until = time.GetUtcNow().AddSeconds(seconds);
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }

            logger.LogWarning("Telegram asked to slow down: all sending pauses for {Seconds} s.", seconds);
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
            return new Outcome(OutcomeKind.Retry, null, ex.ErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException ex)
        {
            return new Outcome(OutcomeKind.Retry, null, ex.StatusCode is { } code ? ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture) : "network");
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

    private async Task RecordAsync(DueItem item, ChatRecord chat, Outcome outcome, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await database.BeginAsync(CancellationToken.None);
        switch (outcome.Kind)
        {
            case OutcomeKind.Sent:
                // The payload is blanked at once: sent text does not linger in the database.
                await ExecAsync(db, "UPDATE outbox SET state = 1, payload = x'', error = NULL WHERE id = $id;", item.Id, null);
                if (outcome.MessageId is { } messageId && !outcome.Edited)
                {
                    await TrackedMessages.TrackAsync(db, chat.Id, messageId, now, outcome.DisappearAfterSeconds, CancellationToken.None);
                }

                break;
            case OutcomeKind.Failed:
                await ExecAsync(db, "UPDATE outbox SET state = 2, payload = x'', error = $error WHERE id = $id;", item.Id, outcome.Error);
                logger.LogWarning("Message {ItemId} to chat {Chat} was refused by Telegram: {Reason}", item.Id, chat.Pseudonym, outcome.Error);
                break;
            case OutcomeKind.Blocked:
                await ExecAsync(db, "UPDATE outbox SET state = 2, payload = x'', error = 'blocked' WHERE state = 0 AND chat_ref = $chat;", null, null, chat.Id);
                await ChatRepository.SetActiveAsync(db, chat.Id, active: false, CancellationToken.None);
                logger.LogInformation("Chat {Chat} blocked the bot or was deactivated; it is marked inactive.", chat.Pseudonym);
                break;
            case OutcomeKind.Retry:
                var attempts = item.Attempts + 1;
                if (attempts >= options.Value.MaxAttempts)
                {
                    await ExecAsync(db, "UPDATE outbox SET state = 2, payload = x'', attempts = attempts + 1, error = $error WHERE id = $id;", item.Id, outcome.Error);
                    logger.LogWarning("Message {ItemId} to chat {Chat} failed after {Attempts} attempts ({Reason}).", item.Id, chat.Pseudonym, attempts, outcome.Error);
                }
                else
                {
                    var delay = Backoff(attempts);
                    await using var command = db.Command("UPDATE outbox SET attempts = attempts + 1, not_before = $at, error = $error WHERE id = $id;")
                        .With("$at", now.Add(delay).ToUnixTimeMilliseconds())
                        .With("$error", outcome.Error)
                        .With("$id", item.Id);
                    await command.ExecuteNonQueryAsync(CancellationToken.None);
                }

                break;
            case OutcomeKind.RetryNow:
                break;
        }

        await db.CommitAsync(CancellationToken.None);
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

    private static async Task ExecAsync(UnitOfWork db, string sql, long? id, string? error, string? chatRef = null)
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

        if (chatRef is not null)
        {
            command.With("$chat", chatRef);
        }

        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private sealed record DueItem(long Id, string ChatRef, Lane Lane, int Attempts);

    private enum OutcomeKind
    {
        Sent,
        Failed,
        Blocked,
        Retry,
        RetryNow,
    }

    private sealed record Outcome(OutcomeKind Kind, int? MessageId, string? Error)
    {
        public bool Edited { get; init; }

        public int? DisappearAfterSeconds { get; init; }
    }
}
