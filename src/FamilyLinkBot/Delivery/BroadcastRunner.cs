using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// Feeds running broadcasts into the outbox a page at a time, keeping at most <see cref="HighWater"/> of each
/// broadcast's rows pending, so memory and the outbox stay small whatever the audience. Edits the admin's progress
/// message at most every <see cref="ProgressInterval"/>, and ends the broadcast when every recipient is settled.
/// </summary>
public sealed class BroadcastRunner(
    Storage.SingletonLeases leases,
    Database database,
    BroadcastStore store,
    ChatStore chats,
    Outbox outbox,
    OutboxStore outboxStore,
    Texts texts,
    TimeProvider time,
    ILogger<BroadcastRunner> logger) : BackgroundService
{
    internal const int PageSize = 500;
    internal const int HighWater = 1000;
    internal static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim _signal = new(0);
    private readonly Dictionary<long, DateTimeOffset> _lastProgress = [];

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await leases.WaitForTurnAsync("broadcast fan-out", stoppingToken);
                await StepAsync(stoppingToken);
                await _signal.WaitAsync(TimeSpan.FromMilliseconds(250), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError("Broadcast step failed with {ErrorType}; retrying shortly.", ex.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    internal async Task StepAsync(CancellationToken cancellationToken)
    {
        List<BroadcastInfo> running;
        await using (var db = await database.BeginAsync(cancellationToken))
        {
            running = await store.RunningAsync(db, cancellationToken);
        }

        foreach (var broadcast in running)
        {
            await AdvanceAsync(broadcast.Id, cancellationToken);
        }

        foreach (var id in _lastProgress.Keys.Where(id => running.All(b => b.Id != id)).ToList())
        {
            _lastProgress.Remove(id);
        }
    }

    private async Task AdvanceAsync(long broadcastId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var wrote = false;
        await using var db = await database.BeginAsync(cancellationToken);
        var broadcast = await store.GetAsync(db, broadcastId, cancellationToken);
        if (broadcast is null || broadcast.State != BroadcastState.Running)
        {
            return;
        }

        var counts = await store.CountsAsync(db, broadcast, cancellationToken);
        if (!broadcast.Exhausted && counts.Pending < HighWater)
        {
            wrote = await store.WriteNextPageAsync(db, broadcast, PageSize, now, cancellationToken) > 0;
        }
        else if (broadcast.Exhausted && counts.Pending == 0)
        {
            await store.FinishAsync(db, broadcast.Id, BroadcastState.Done, now, cancellationToken);
            broadcast = (await store.GetAsync(db, broadcastId, cancellationToken))!;
            logger.LogInformation("Broadcast {BroadcastId} finished: {Sent} sent, {Failed} failed.", broadcast.Id, broadcast.Sent, broadcast.Failed);
        }

        var progressed = await UpdateProgressAsync(db, broadcast, now, cancellationToken);
        await db.CommitAsync(cancellationToken);
        if (wrote || progressed)
        {
            outbox.Wake();
        }
    }

    /// <summary>Edits the admin's progress message, at most every few seconds and never with an edit still pending.</summary>
    private async Task<bool> UpdateProgressAsync(UnitOfWork db, BroadcastInfo broadcast, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var finished = broadcast.State != BroadcastState.Running;
        if (broadcast.CreatedBy is not { } adminRef
            || broadcast.ProgressItem is not { } progressItem
            || (!finished && _lastProgress.TryGetValue(broadcast.Id, out var last) && now - last < ProgressInterval))
        {
            return false;
        }

        var messageId = await outboxStore.MessageIdAsync(db, progressItem, cancellationToken);
        var lastEdit = broadcast.LastEditItem is { } editItem ? await outboxStore.StateAsync(db, editItem, cancellationToken) : null;
        if (messageId is null || (lastEdit == OutboxState.Pending && !finished))
        {
            return false; // the progress message is not out yet, or the last edit still waits
        }

        using (var admin = await chats.GetAsync(db, adminRef, cancellationToken))
        {
            if (admin is null)
            {
                return false;
            }

            var counts = await store.CountsAsync(db, broadcast, cancellationToken);
            var text = BroadcastText.Progress(texts, admin.Language ?? Language.Ko, broadcast, counts);
            var edit = await outboxStore.EnqueueAsync(
                db, admin, Lane.Interactive, new OutgoingMessage { Text = text, EditMessageId = messageId }, now, cancellationToken);
            await store.SetProgressItemAsync(db, broadcast.Id, "last_edit_item", edit, cancellationToken);
        }

        _lastProgress[broadcast.Id] = now;
        return true;
    }
}
