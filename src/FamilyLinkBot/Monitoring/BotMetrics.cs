using System.Diagnostics.Metrics;

namespace FamilyLinkBot.Monitoring;

/// <summary>
/// The bot's metrics, for operators (Prometheus through OpenTelemetry when <c>Monitoring:Enabled</c>). Aggregates
/// only: no label ever holds a Telegram id, a chat pseudonym, a case reference or any text, only fixed names
/// (a Bot API method, an outcome class, a lane, a feed result). Feature code calls one method at the point where
/// the thing happened; gauges that the database knows better (outbox depth, broadcast progress) are read from a
/// <see cref="DatabaseGauges"/> snapshot taken at scrape time.
/// </summary>
public sealed class BotMetrics
{
    public const string MeterName = "FamilyLinkBot";

    private readonly TimeProvider _time;
    private readonly Counter<long> _updates;
    private readonly Counter<long> _telegramCalls;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _feedFetches;
    private readonly Counter<long> _alertsSent;
    private long _lastTelegramSuccess = long.MinValue;

    public BotMetrics(IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _time = time;
        var meter = meters.Create(MeterName);
        _updates = meter.CreateCounter<long>("familylinkbot.updates.processed", "{update}", "Updates from Telegram applied (messages and button presses).");
        _telegramCalls = meter.CreateCounter<long>("familylinkbot.telegram.requests", "{request}", "Bot API requests by method and outcome (sends, edits, polls).");
        _rateLimited = meter.CreateCounter<long>("familylinkbot.telegram.rate_limited", "{response}", "Bot API answers 429 (too many requests).");
        _feedFetches = meter.CreateCounter<long>("familylinkbot.feed.fetches", "{fetch}", "News feed fetches by result.");
        _alertsSent = meter.CreateCounter<long>("familylinkbot.alerts.sent", "{message}", "News alert messages written to the outbox.");
        meter.CreateObservableGauge("familylinkbot.outbox.pending", ObserveOutbox, "{message}", "Messages waiting in the outbox, by lane.");
        meter.CreateObservableGauge("familylinkbot.broadcast.recipients", ObserveBroadcasts, "{recipient}", "Recipients of running broadcasts: sent, failed, remaining.");
        meter.CreateObservableGauge("familylinkbot.broadcasts.running", () => Gauges.RunningBroadcasts, "{broadcast}", "Broadcasts still being sent.");
    }

    /// <summary>The latest database snapshot (refreshed before each scrape and health check).</summary>
    public DatabaseGauges Gauges { get; set; } = DatabaseGauges.Empty;

    /// <summary>When Telegram last answered a request successfully, or null if it never has since start.</summary>
    public DateTimeOffset? LastTelegramSuccess
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastTelegramSuccess);
            return ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public void UpdatesProcessed(int count) => _updates.Add(count);

    public void FeedFetched(Alerts.FeedFetchStatus result) => _feedFetches.Add(1, new KeyValuePair<string, object?>("result", result switch
    {
        Alerts.FeedFetchStatus.Ok => "ok",
        Alerts.FeedFetchStatus.NotModified => "not_modified",
        Alerts.FeedFetchStatus.Failed => "failed",
    }));

    public void AlertsSent(int messages) => _alertsSent.Add(messages);

    /// <summary>One Bot API request's outcome; <paramref name="method"/> is a Bot API method name, <paramref name="outcome"/> a class such as "ok" or "rate_limited".</summary>
    public void TelegramCall(string method, string outcome)
    {
        _telegramCalls.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("outcome", outcome));
        if (outcome == "rate_limited")
        {
            _rateLimited.Add(1);
        }

        if (outcome == "ok")
        {
            Interlocked.Exchange(ref _lastTelegramSuccess, _time.GetUtcNow().UtcTicks);
        }
    }

    private IEnumerable<Measurement<long>> ObserveOutbox()
    {
        var gauges = Gauges;
        yield return new(gauges.PendingInteractive, new KeyValuePair<string, object?>("lane", "interactive"));
        yield return new(gauges.PendingNotice, new KeyValuePair<string, object?>("lane", "notice"));
        yield return new(gauges.PendingBulk, new KeyValuePair<string, object?>("lane", "bulk"));
    }

    private IEnumerable<Measurement<long>> ObserveBroadcasts()
    {
        var gauges = Gauges;
        yield return new(gauges.BroadcastSent, new KeyValuePair<string, object?>("state", "sent"));
        yield return new(gauges.BroadcastFailed, new KeyValuePair<string, object?>("state", "failed"));
        yield return new(gauges.BroadcastRemaining, new KeyValuePair<string, object?>("state", "remaining"));
    }
}
