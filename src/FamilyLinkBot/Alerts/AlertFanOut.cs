using System.Globalization;
using System.Text.Json;
using FamilyLinkBot.Cases;
using FamilyLinkBot.Caseworkers;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// Sends approved alerts (docs/DESIGN.md#7-news-alerts): one Bulk outbox row per recipient, in the recipient's language; with discreet
/// notifications on (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications) the row is the neutral line with Show, else the alert without the security phrase (a
/// feed wrote the headline). Recipients are active
/// chats subscribed to one of the alert's topics or regions, and chats with case-region alerts on whose open cases'
/// (encrypted) regions match one of the alert's regions. Recipients are read in keyset pages over chat row ids, each
/// page in its own transaction that also moves the alert's cursor, so memory does not grow with the audience and a
/// restart resumes where the last committed page ended: nobody is missed and nobody gets the alert twice.
/// </summary>
public sealed class AlertFanOut(
    Storage.SingletonLeases leases,
    Database database, ChatStore chats, AlertStore alerts, Outbox outbox, OutboxStore store, FamilyNotifier notifier, Texts texts, TimeProvider time,
    Monitoring.BotMetrics metrics, ILogger<AlertFanOut> logger)
    : BackgroundService
{
    internal const int PageSize = 200;

    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Asks for approved alerts to be sent; call after the transaction that approved them commits.</summary>
    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await leases.WaitForTurnAsync("alert fan-out", stoppingToken);
                await DeliverApprovedAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && database.Dialect.IsRetryable(ex))
            {
                // A page met an update pushing into the same chats (docs/DESIGN.md#what-may-run-once-and-what-may-run-many-times):
                // nothing of it was stored, and it goes again at once.
                logger.LogInformation("Queueing an alert page met another writer; trying again.");
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 200)), stoppingToken);
                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("Sending approved alerts failed ({ErrorType}); retrying in a minute.", ex.GetType().Name);
            }

            await _signal.WaitAsync(TimeSpan.FromMinutes(1), stoppingToken);
        }
    }

    /// <summary>Writes the outbox rows of every approved alert; returns how many recipients were queued.</summary>
    public async Task<int> DeliverApprovedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var total = 0;
            while (true)
            {
                var (queued, more, alertId) = await DeliverPageAsync(cancellationToken);
                total += queued;
                metrics.AlertsSent(queued);
                if (queued > 0)
                {
                    outbox.Wake();
                }

                if (alertId is null)
                {
                    return total;
                }

                if (!more)
                {
                    var count = await RecipientsAsync(alertId.Value, cancellationToken);
                    logger.LogInformation("Alert {AlertId} queued for {Recipients} recipients.", alertId, count);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        _gate.Dispose();
        base.Dispose();
    }

    private async Task<(int Queued, bool More, long? AlertId)> DeliverPageAsync(CancellationToken cancellationToken)
    {
        await using var db = await database.BeginAsync(cancellationToken);
        var alert = await alerts.OldestAsync(db, AlertState.Approved, cancellationToken);
        if (alert is null)
        {
            return (0, false, null);
        }

        var candidates = await CandidatesAsync(db, alert, cancellationToken);
        var now = time.GetUtcNow();
        var queued = 0;
        foreach (var (chatRef, subscribed) in candidates)
        {
            using var chat = await chats.GetAsync(db, chatRef, cancellationToken);
            if (chat is null || !(subscribed || await CaseRegionMatchesAsync(db, chat, alert.Regions, cancellationToken)))
            {
                continue;
            }

            if (chat.Discreet)
            {
                // docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications: no headline, topic or word about North Korea on a lock screen; Show edits the details in.
                await notifier.PushDiscreetAsync(db, chat, FamilyNotifier.ShowAlert + alert.Id.ToString(CultureInfo.InvariantCulture), "notice.alert", Lane.Bulk, protect: true, now, cancellationToken);
            }
            else
            {
                var text = AlertText.Render(texts, chat.Language ?? Language.Ko, alert);
                await store.EnqueueAsync(db, chat, Lane.Bulk, new OutgoingMessage { Text = text, ThirdPartyText = true }, now, cancellationToken);
            }

            queued++;
        }

        var more = candidates.Count == PageSize;
        await alerts.AdvanceFanOutAsync(db, alert.Id, more ? candidates[^1].ChatRef : alert.FanOutAfter, queued, done: !more, cancellationToken);
        await db.CommitAsync(cancellationToken);
        return (queued, more, alert.Id);
    }

    private static async Task<List<(string ChatRef, bool Subscribed)>> CandidatesAsync(UnitOfWork db, NewsAlert alert, CancellationToken cancellationToken)
    {
        var subscribed =
            "EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_ref = c.id AND (" +
            $"(s.kind = 'topic' AND s.value IN ({db.Dialect.JsonArrayValues("@topics")})) OR " +
            $"(s.kind = 'region' AND s.value IN ({db.Dialect.JsonArrayValues("@regions")}))))";
        await using var command = db.Command(
                $"SELECT c.id, CASE WHEN {subscribed} THEN 1 ELSE 0 END FROM chats c WHERE c.id > @after AND c.active = 1 AND ({subscribed} OR " +
                "(@hasRegions = 1 AND c.case_alerts = 1 AND EXISTS (SELECT 1 FROM cases k WHERE k.chat_ref = c.id AND k.closed_at IS NULL))) " +
                "ORDER BY c.id LIMIT @limit;")
            .With("@after", alert.FanOutAfter)
            .With("@topics", JsonSerializer.Serialize(alert.Topics))
            .With("@regions", JsonSerializer.Serialize(alert.Regions))
            .With("@hasRegions", alert.Regions.Count > 0 ? 1 : 0)
            .With("@limit", PageSize);
        var page = new List<(string, bool)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add((reader.GetString(0), reader.GetInt64(1) != 0));
        }

        return page;
    }

    // Case regions are identifying (docs/DESIGN.md#2-data-classification) and encrypted with the family's key: decrypted here, one family at a time.
    private static async Task<bool> CaseRegionMatchesAsync(UnitOfWork db, ChatRecord chat, IReadOnlyList<string> regions, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT id, region FROM cases WHERE chat_ref = @chat AND closed_at IS NULL;").With("@chat", chat.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var region = chat.Key.DecryptString(reader.GetBlobOrNull(1)!, CaseStore.Field(reader.GetString(0), "region"));
            if (regions.Contains(region, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<int> RecipientsAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var db = await database.BeginAsync(cancellationToken);
        return (await alerts.GetAsync(db, alertId, cancellationToken))?.Recipients ?? 0;
    }
}
