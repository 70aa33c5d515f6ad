using FamilyLinkBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace FamilyLinkBot.Monitoring;

/// <summary>One line of /healthz: a check's name, whether it passed, and a short reason (never personal data).</summary>
public sealed record HealthEntry(string Name, bool Healthy, string Detail);

/// <summary>
/// What /healthz reports: the database answers, the keys are loaded, Telegram answered a call within
/// <c>Monitoring:TelegramStaleAfter</c> (asking getMe itself when the bot has been quiet, as in webhook mode), and no
/// outbox message has been due for longer than <c>Monitoring:OutboxStuckAfter</c>.
/// </summary>
public sealed class HealthCheck(
    Database database,
    Delivery.OutboxStore outbox,
    KeyStore keys,
    BotMetrics metrics,
    ITelegramBotClient bot,
    TimeProvider time,
    IOptions<MonitoringOptions> options,
    ILogger<HealthCheck> logger)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private int _probing;

    public async Task<IReadOnlyList<HealthEntry>> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var entries = new List<HealthEntry>();
        var now = time.GetUtcNow();
        DatabaseGauges? gauges = null;
        try
        {
            gauges = await RefreshGaugesAsync(cancellationToken);
            entries.Add(new("database", true, "answers"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Health check: the database did not answer ({ErrorType}).", ex.GetType().Name);
            entries.Add(new("database", false, ex.GetType().Name));
        }

        entries.Add(new("key", keys.IsLoaded, keys.IsLoaded ? "loaded" : "not loaded"));

        if (!IsFresh(metrics.LastTelegramSuccess, now, settings.TelegramStaleAfter))
        {
            await ProbeTelegramAsync(cancellationToken);
        }

        var last = metrics.LastTelegramSuccess;
        entries.Add(IsFresh(last, time.GetUtcNow(), settings.TelegramStaleAfter)
            ? new("telegram", true, $"last answer {Seconds(time.GetUtcNow() - last!.Value)} s ago")
            : new("telegram", false, last is null ? "no answer since start" : $"no answer for {Seconds(time.GetUtcNow() - last.Value)} s"));

        if (gauges is not null)
        {
            var waited = gauges.OldestDue is { } due ? now - due : TimeSpan.Zero;
            entries.Add(waited <= settings.OutboxStuckAfter
                ? new("outbox", true, $"{gauges.PendingInteractive + gauges.PendingNotice + gauges.PendingBulk} pending")
                : new("outbox", false, $"a message has been due for {Seconds(waited)} s"));
        }

        return entries;
    }

    /// <summary>Reads the database gauges and hands them to the metrics (before a scrape).</summary>
    public async Task<DatabaseGauges> RefreshGaugesAsync(CancellationToken cancellationToken)
    {
        var gauges = await DatabaseGauges.ReadAsync(database, outbox, cancellationToken);
        metrics.Gauges = gauges;
        return gauges;
    }

    private async Task ProbeTelegramAsync(CancellationToken cancellationToken)
    {
        // One probe at a time: a scraper polling /healthz during an outage must not pile up requests to Telegram.
        if (Interlocked.Exchange(ref _probing, 1) == 1)
        {
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            await bot.GetMe(timeout.Token); // a success is noted by TelegramCallRecorder
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Unhealthy is the answer; the reason is in the polling log.
        }
        finally
        {
            Volatile.Write(ref _probing, 0);
        }
    }

    private static bool IsFresh(DateTimeOffset? last, DateTimeOffset now, TimeSpan limit) => last is { } at && now - at <= limit;

    private static long Seconds(TimeSpan span) => (long)Math.Max(0, span.TotalSeconds);
}
