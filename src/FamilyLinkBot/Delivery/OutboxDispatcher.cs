using System.Collections.Concurrent;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Privacy;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Telegram;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// Sends what the outbox holds (docs/DESIGN.md#8-delivery): only the loop. One scheduling loop hands each slot of the global rate
/// (<see cref="ISendRateLimiter"/>, shared with the few direct sends) to the highest-priority due item (see
/// <see cref="SendScheduler"/>); each send claims its row through <see cref="OutboxStore"/> (so no other process sends
/// it too), goes out through <see cref="TelegramSender"/>, and its outcome is recorded by a group-commit writer. Up to
/// <see cref="MaxInFlight"/> requests run at once. A 429 pauses all sending for retry_after; when Telegram cannot be
/// reached at all, <see cref="TelegramCircuit"/> pauses sending and probes, and no message loses an attempt; 5xx and
/// network errors of one message retry with back-off and jitter; 403 marks the chat inactive; 400 fails the item. On
/// shutdown it stops taking work and lets requests in flight finish (for at most 5 s); their claims are released at
/// the next start.
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
    private static readonly TimeSpan PanicMarkSweep = TimeSpan.FromMinutes(1);

    private readonly Database _database;
    private readonly ChatStore _chats;
    private readonly TrackedMessageStore _trackedMessages;
    private readonly Outbox _outbox;
    private readonly OutboxStore _store;
    private readonly BroadcastStore _broadcasts;
    private readonly TelegramSender _sender;
    private readonly TelegramCircuit _circuit;
    private readonly MessageDeleter _deleter;
    private readonly ISentMessageListener[] _sentListeners;
    private readonly TimeProvider _time;
    private readonly DeliveryOptions _options;
    private readonly ILogger<OutboxDispatcher> _logger;
    // Rate limits run on real time whatever clock the bot is given: they are about Telegram's wall-clock limits.
    private readonly SendScheduler _scheduler = new(TimeProvider.System);
    private readonly ISendRateLimiter _limiter;
    private readonly ConcurrentDictionary<long, string> _broadcastTexts = new();
    // When each item last failed (circuit clock), to tell its own failures from an outage; cleared when it settles.
    private readonly ConcurrentDictionary<long, long> _lastFailure = new();
    private readonly GroupCommit<DueItem, Claimed?> _claims;
    private readonly GroupCommit<Settlement, Settled> _records;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    public OutboxDispatcher(
        Database database,
        ChatStore chats,
        TrackedMessageStore trackedMessages,
        Outbox outbox,
        OutboxStore store,
        BroadcastStore broadcasts,
        TelegramSender sender,
        TelegramCircuit circuit,
        MessageDeleter deleter,
        IEnumerable<ISentMessageListener> sentListeners,
        ISendRateLimiter limiter,
        TimeProvider time,
        IOptions<DeliveryOptions> options,
        ILogger<OutboxDispatcher> logger)
    {
        _database = database;
        _chats = chats;
        _trackedMessages = trackedMessages;
        _outbox = outbox;
        _store = store;
        _broadcasts = broadcasts;
        _sender = sender;
        _circuit = circuit;
        _deleter = deleter;
        _sentListeners = sentListeners.ToArray();
        _time = time;
        _options = options.Value;
        _logger = logger;
        _limiter = limiter;
        MaxInFlight = Math.Clamp(_options.MessagesPerSecond / 4, 4, 32);
        // This run's claims: the instance name lets the next run of the same instance release them at once.
        Claimant = _options.Instance + ":" + Guid.NewGuid().ToString("N")[..12];
        _claims = new GroupCommit<DueItem, Claimed?>(database, ClaimAsync);
        // The chats' locks first, in the order update batches take them: recording never deadlocks with a /panic.
        _records = new GroupCommit<Settlement, Settled>(
            database, ApplyAsync, prepare: (db, batch) => db.Dialect.LockChatsByRefAsync(db, batch.Select(s => s.ChatRef), CancellationToken.None));
    }

    /// <summary>Who this process's claims name: "&lt;Delivery:Instance&gt;:&lt;random per start&gt;".</summary>
    internal string Claimant { get; }

    /// <summary>Requests at once: enough to keep the rate with Telegram's ~100–300 ms answers; also the most a kill can duplicate.</summary>
    public int MaxInFlight { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(MaxInFlight, MaxInFlight);
        using var sendCancel = new CancellationTokenSource();
        await using var drain = stoppingToken.Register(() => sendCancel.CancelAfter(DrainLimit));
        var running = new ConcurrentDictionary<long, Task>();
        var recorder = Task.Run(_records.RunAsync, CancellationToken.None);
        var claimer = Task.Run(_claims.RunAsync, CancellationToken.None);
        await ReleaseOwnClaimsAsync(stoppingToken);
        var refreshDue = true;
        var lastFull = false;
        var lastRefresh = DateTimeOffset.MinValue;
        var lastRefreshStamp = 0L;
        var lastPurge = DateTimeOffset.MinValue;
        var lastMarkSweep = DateTimeOffset.MinValue;
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
                    lastPurge = lastMarkSweep = now;
                }
                else if (now - lastMarkSweep > PanicMarkSweep)
                {
                    await SweepPanicMarksAsync(now, stoppingToken);
                    lastMarkSweep = now;
                }

                var item = _scheduler.Take(now);
                if (item is null)
                {
                    await _outbox.WaitAsync(refreshDue ? RefreshGap - sinceRefresh : TimeSpan.FromMilliseconds(100), stoppingToken);
                    continue;
                }

                if (!_circuit.TryStartSend(out var probe, out var closedFor))
                {
                    // Telegram cannot be reached: everything waits, in order, for the next probe.
                    _scheduler.Finished(item, item.NotBefore);
                    await _outbox.WaitAsync(closedFor, stoppingToken);
                    continue;
                }

                ISendSlot? rateSlot = null;
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
                    if (probe)
                    {
                        _circuit.ProbeFinished();
                    }

                    throw;
                }

                running[item.Id] = Task.Run(
                    async () =>
                    {
                        try
                        {
                            await SendAndRecordAsync(item, probe, rateSlot, sendCancel.Token);
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
        _claims.Complete();
        _records.Complete();
        await claimer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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

    /// <summary>
    /// A previous run of this instance that was killed left its claims; nobody else will send those rows before the
    /// lease ends, so release them now (at most the sends in flight at the kill go twice).
    /// </summary>
    private async Task ReleaseOwnClaimsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await _database.BeginAsync(cancellationToken);
            var released = await _store.ReleaseClaimsAsync(db, _options.Instance, cancellationToken);
            await db.CommitAsync(cancellationToken);
            if (released > 0)
            {
                _logger.LogInformation("Released {Count} outbox claims left by an earlier run; those messages go again.", released);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning("Releasing earlier claims failed ({ErrorType}); those messages go once their lease ends.", ex.GetType().Name);
        }
    }

    /// <summary>Reads the first pending rows by (lane, id) into the scheduler's window; returns how many were read.</summary>
    private async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        _scheduler.BeginRefresh();
        List<DueItem> items;
        await using (var db = await ReadAsync(cancellationToken))
        {
            items = await _store.PendingAsync(db, Claimant, WindowSize, _time.GetUtcNow(), cancellationToken);
        }

        if (!items.Any(i => i.BroadcastId is not null))
        {
            _broadcastTexts.Clear(); // no broadcast text stays in memory longer than its sending
        }

        _scheduler.Replace(items, _time.GetUtcNow());
        return items.Count;
    }

    /// <param name="rateSlot">
    /// Given back as soon as Telegram has answered: the request has arrived by then. Refunded when no request was made,
    /// or a gateway answered instead (Telegram never counted it; then the chat's spacing does not count it either).
    /// </param>
    private async Task SendAndRecordAsync(DueItem item, bool probe, ISendSlot rateSlot, CancellationToken cancellationToken)
    {
        DateTimeOffset? retryAt = null;
        try
        {
            using var claimed = await _claims.WriteAsync(item);
            if (claimed is not { Chat: { } chat })
            {
                rateSlot.Refund(); // sent, cancelled or erased meanwhile, or another process holds it: no request made
                return;
            }

            var message = item.BroadcastId is null ? OutboxStore.Decrypt(chat.Key, item.Id, claimed.Payload) : claimed.Broadcast;
            if (message is null)
            {
                rateSlot.Refund();
                retryAt = await RecordAsync(item, chat, new SendOutcome(SendResult.Refused) { Error = "broadcast gone" }, _circuit.Now());
                return;
            }

            message = WithPhrase(item.Lane, chat, message);
            var started = _circuit.Now();
            var outcome = await _sender.SendAsync(chat.TelegramChatId, item.Lane, message, cancellationToken);
            if (outcome.NotCounted)
            {
                rateSlot.Refund();
                _scheduler.NotCounted(item);
            }
            else
            {
                rateSlot.Dispose();
            }

            if (outcome.Result == SendResult.Unreachable)
            {
                _circuit.Unreachable(item.Id);
            }
            else
            {
                _circuit.Answered();
            }

            retryAt = await RecordAsync(item, chat, outcome, started);
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
            if (probe)
            {
                _circuit.ProbeFinished();
            }

            if (retryAt is null)
            {
                _lastFailure.TryRemove(item.Id, out _);
            }

            _scheduler.Finished(item, retryAt);
            _outbox.Nudge();
        }
    }

    /// <summary>
    /// Claims the row and reads what sending it needs (the chat, and a broadcast's text) in the same transaction; null
    /// when the row is no longer this process's to send.
    /// </summary>
    private async Task<Claimed?> ClaimAsync(UnitOfWork db, DueItem item)
    {
        var payload = await _store.ClaimAsync(db, item.Id, Claimant, _time.GetUtcNow(), CancellationToken.None);
        if (payload is null)
        {
            return null;
        }

        var chat = await _chats.GetAsync(db, item.ChatRef, CancellationToken.None);
        try
        {
            var broadcast = chat is not null && item.BroadcastId is { } broadcastId
                ? await BroadcastMessageAsync(db, broadcastId, CancellationToken.None)
                : null;
            return new Claimed(payload, chat, broadcast);
        }
        catch
        {
            chat?.Dispose();
            throw;
        }
    }

    /// <summary>A claimed row: its payload, its chat (null when erased meanwhile) and, for a broadcast, its text.</summary>
    private sealed record Claimed(byte[] Payload, ChatRecord? Chat, OutgoingMessage? Broadcast) : IDisposable
    {
        public void Dispose() => Chat?.Dispose();
    }

    /// <summary>A read-only transaction: reading a payload must not take a write lock.</summary>
    private Task<UnitOfWork> ReadAsync(CancellationToken cancellationToken) => _database.ReadAsync(cancellationToken);

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

    /// <summary>docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications: every push the family did not ask for begins with its security phrase, when set.</summary>
    internal static OutgoingMessage WithPhrase(Lane lane, ChatRecord chat, OutgoingMessage message)
    {
        if (lane == Lane.Interactive || message.ThirdPartyText || ChatStore.Phrase(chat) is not { } phrase)
        {
            return message;
        }

        return message with { Text = "<b>" + Html.Escape(phrase) + "</b>\n\n" + message.Text };
    }

    /// <summary>Stores the outcome (group-committed with other sends' outcomes); returns when to try again, or null when the item is settled.</summary>
    private async Task<DateTimeOffset?> RecordAsync(DueItem item, ChatRecord chat, SendOutcome outcome, long started)
    {
        var countAttempt = false;
        switch (outcome.Result)
        {
            case SendResult.RateLimited:
                var until = TimeProvider.System.GetUtcNow().Add(outcome.RetryAfter);
                if (until > _pausedUntil)
                {
                    _pausedUntil = until;
                }

                _logger.LogWarning("Telegram asked to slow down: all sending pauses for {Seconds} s.", outcome.RetryAfter.TotalSeconds);
                _limiter.TelegramAskedToWait(outcome.RetryAfter);
                return item.NotBefore; // nothing to write: the global pause holds everything back
            case SendResult.Unreachable:
                // Its own failure only if Telegram answered something else since its previous failure (or since this
                // attempt started) and no outage was declared meanwhile.
                countAttempt = _circuit.CountsAgainstMessage(_lastFailure.GetValueOrDefault(item.Id, started));
                _lastFailure[item.Id] = _circuit.Now();
                break;
            case SendResult.Sent:
            case SendResult.Refused:
            case SendResult.Blocked:
                break;
        }

        var settled = await _records.WriteAsync(new Settlement(item, chat.Id, outcome, countAttempt, _time.GetUtcNow()));
        switch (outcome.Result)
        {
            case SendResult.Sent when settled.DeleteAtOnce && outcome.MessageId is { } messageId:
                // /panic came while this was on its way: it goes from the chat the moment it is known.
                await _deleter.DeleteAsync(chat.TelegramChatId, [messageId], CancellationToken.None);
                break;
            case SendResult.Refused:
                _logger.LogWarning("Message {ItemId} to chat {Chat} was refused by Telegram: {Reason}", item.Id, chat.Pseudonym, outcome.Error);
                break;
            case SendResult.Blocked:
                _logger.LogInformation("Chat {Chat} blocked the bot or was deactivated; it is marked inactive.", chat.Pseudonym);
                break;
            case SendResult.Unreachable when settled.RetryAt is null:
                _logger.LogWarning("Message {ItemId} to chat {Chat} failed after {Attempts} attempts ({Reason}).", item.Id, chat.Pseudonym, _options.MaxAttempts, outcome.Error);
                break;
            default:
                break;
        }

        return settled.RetryAt;
    }

    /// <summary>
    /// Writes one outcome inside the group commit's transaction. A 429 (<see cref="SendResult.RateLimited"/>) writes
    /// nothing and never comes here.
    /// </summary>
    private async Task<Settled> ApplyAsync(UnitOfWork db, Settlement settlement)
    {
        var (item, chatRef, outcome, countAttempt, now) = settlement;
        switch (outcome.Result)
        {
            case SendResult.Sent:
                // The payload and the recipient are blanked at once: sent text and who got it do not linger.
                var panicked = await _store.SettleSentAsync(db, item.Id, chatRef, outcome.MessageId, CancellationToken.None);
                // An edit that turns a message sensitive (a discreet notice's Show) sets its expiry; its row already exists.
                if (outcome.MessageId is { } messageId && (!outcome.Edited || outcome.DisappearAfterSeconds is not null))
                {
                    // Sent after a /panic that could not see it: tracked as due now, in case the deletion at once fails.
                    await _trackedMessages.TrackAsync(db, chatRef, messageId, now, panicked ? 0 : outcome.DisappearAfterSeconds, CancellationToken.None);
                }

                if (item.Relayed && outcome.MessageId is { } sentId && !outcome.Edited)
                {
                    foreach (var listener in _sentListeners)
                    {
                        await listener.SentAsync(db, item.Id, chatRef, sentId, CancellationToken.None);
                    }
                }

                return new Settled(null, panicked);
            case SendResult.Refused:
                await _store.SettleFailedAsync(db, item.Id, outcome.Error, CancellationToken.None);
                return new Settled(null, false);
            case SendResult.Blocked:
                await _store.FailPendingForChatAsync(db, chatRef, "blocked", CancellationToken.None);
                await _chats.SetActiveAsync(db, chatRef, active: false, CancellationToken.None);
                return new Settled(null, false);
            case SendResult.Unreachable:
                var retryAt = now.Add(Backoff(item.Attempts + 1));
                var again = await _store.RetryAsync(db, item.Id, retryAt, outcome.Error, countAttempt, _options.MaxAttempts, CancellationToken.None);
                return new Settled(again ? retryAt : null, false);
            case SendResult.RateLimited:
            default:
                return new Settled(item.NotBefore, false);
        }
    }

    /// <summary>Settled rows are kept a week (delivery statistics, with no recipient), then go.</summary>
    private async Task PurgeAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await _database.BeginAsync(cancellationToken);
        await _store.PurgeAsync(db, now.Subtract(PurgeAfter), now, cancellationToken);
        await db.CommitAsync(cancellationToken);
    }

    /// <summary>A /panic mark goes once no send from before it can still be in flight: it says the family panicked.</summary>
    private async Task SweepPanicMarksAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await _database.BeginAsync(cancellationToken);
        await _store.PurgePanicMarksAsync(db, now, cancellationToken);
        await db.CommitAsync(cancellationToken);
    }

    /// <summary>Exponential back-off with full jitter: 1 s, 2 s, 4 s … up to 5 min.</summary>
    internal static TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(300, Math.Pow(2, attempt - 1));
        return TimeSpan.FromSeconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private sealed record Settlement(DueItem Item, string ChatRef, SendOutcome Outcome, bool CountAttempt, DateTimeOffset At);

    /// <summary>When to try again (null: settled), and whether a sent message must be deleted at once.</summary>
    private sealed record Settled(DateTimeOffset? RetryAt, bool DeleteAtOnce);
}
