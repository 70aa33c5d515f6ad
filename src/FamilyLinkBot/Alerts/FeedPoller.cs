using System.Collections.Concurrent;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// Polls the news feeds (docs/DESIGN.md#7-news-alerts). Each feed is fetched in its own task and recorded in its own transaction, so a feed
/// that fails, hangs until the timeout, sends junk or sends too much delays and affects no other feed. A feed is never
/// fetched twice at once. New stories (unseen by any of their keys) that match a topic become alerts: pending in /review,
/// or approved and sent at once when News:RequireApproval is false. A feed's first successful fetch only records its
/// stories as seen. Failing feeds back off (<see cref="FeedBackoff"/>); admins hear of a day-long outage and its end.
/// Feed URLs are never logged (they may carry access keys in the query string); feeds are named by id.
/// </summary>
public sealed class FeedPoller : BackgroundService
{
    /// <summary>A hostile or broken feed listing thousands of new matching stories makes at most this many alerts per fetch.</summary>
    internal const int MaxAlertsPerFetch = 20;

    private const int MaxParallelFetches = 8;

    private readonly Database _database;
    private readonly FeedStore _feeds;
    private readonly SeenStoryStore _seenStories;
    private readonly AlertStore _alerts;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _time;
    private readonly NewsOptions _options;
    private readonly NewsMatcher _matcher;
    private readonly AdminNotifier _admins;
    private readonly Texts _texts;
    private readonly AlertFanOut _fanOut;
    private readonly Outbox _outbox;
    private readonly Monitoring.BotMetrics _metrics;
    private readonly ILogger<FeedPoller> _logger;
    private readonly FeedBackoff _backoff;
    private readonly SingletonLeases _leases;
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private readonly SemaphoreSlim _parallel = new(MaxParallelFetches);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Lock _startLock = new();

    public FeedPoller(
        Database database, FeedStore feeds, SeenStoryStore seenStories, AlertStore alerts, IHttpClientFactory http, TimeProvider time, IOptions<NewsOptions> options, NewsMatcher matcher,
        AdminNotifier admins, Texts texts, AlertFanOut fanOut, Outbox outbox, Monitoring.BotMetrics metrics, SingletonLeases leases, ILogger<FeedPoller> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _feeds = feeds;
        _seenStories = seenStories;
        _alerts = alerts;
        _http = http;
        _time = time;
        _options = options.Value;
        _matcher = matcher;
        _admins = admins;
        _texts = texts;
        _fanOut = fanOut;
        _outbox = outbox;
        _metrics = metrics;
        _logger = logger;
        _leases = leases;
        _backoff = new FeedBackoff(_options.PollInterval);
    }

    /// <summary>Asks for due feeds to be polled now (e.g. after /feeds add).</summary>
    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>
    /// Polls every listed feed now, due or not, and returns when all are done (a feed already being fetched is
    /// awaited, not fetched twice). For tests and operators; the service itself polls feeds as they fall due.
    /// </summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<long> ids;
        await using (var db = await _database.BeginAsync(cancellationToken))
        {
            ids = await _feeds.IdsAsync(db, dueBy: null, cancellationToken);
        }

        await Task.WhenAll(ids.Select(id => PollNowAsync(id, cancellationToken)));
    }

    // A fetch already in flight may have started before the caller's "now" (or found the feed not due and skipped it):
    // wait for it, then fetch afresh.
    private async Task PollNowAsync(long feedId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (task, started) = StartCore(feedId, dueOnly: false, cancellationToken);
            await task;
            if (started)
            {
                return;
            }

            await Task.Yield(); // the finished task leaves the in-flight map in a continuation
        }
    }

    public override void Dispose()
    {
        _parallel.Dispose();
        _signal.Dispose();
        base.Dispose();
    }

    /// <summary>Brings the feeds table in line with News:Feeds before the host reports started.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await _database.BeginAsync(cancellationToken))
        {
            await _feeds.SyncConfiguredAsync(db, _options.Feeds, cancellationToken);
            await db.CommitAsync(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var lastPrune = DateTimeOffset.MinValue;
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    await _leases.WaitForTurnAsync("feed polling", stoppingToken);
                    var now = _time.GetUtcNow();
                    await using var db = await _database.BeginAsync(stoppingToken);
                    foreach (var id in await _feeds.IdsAsync(db, now, stoppingToken))
                    {
                        _ = Start(id, dueOnly: true, stoppingToken);
                    }

                    if (now - lastPrune > TimeSpan.FromDays(1))
                    {
                        await _seenStories.PruneAsync(db, now, stoppingToken);
                        lastPrune = now;
                    }

                    var next = await _feeds.NextDueAsync(db, stoppingToken);
                    await db.CommitAsync(stoppingToken);
                    wait = next is { } due ? Clamp(due - now) : _options.PollInterval;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogError("Scheduling feed polls failed ({ErrorType}); trying again in a minute.", ex.GetType().Name);
                    wait = TimeSpan.FromMinutes(1);
                }

                using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var sleep = Task.Delay(wait, _time, delay.Token);
                await Task.WhenAny(sleep, _signal.WaitAsync(delay.Token));
                await delay.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Let fetches in flight end (they stop on the same token) so none writes after the host has stopped.
            await Task.WhenAll(_inFlight.Values).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    // Never less than a second (feeds that are overdue because all fetch slots are busy must not spin the loop).
    private TimeSpan Clamp(TimeSpan wait) =>
        wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > _options.PollInterval ? _options.PollInterval : wait;

    private Task Start(long feedId, bool dueOnly, CancellationToken cancellationToken) =>
        StartCore(feedId, dueOnly, cancellationToken).Task;

    private (Task Task, bool Started) StartCore(long feedId, bool dueOnly, CancellationToken cancellationToken)
    {
        lock (_startLock)
        {
            if (_inFlight.TryGetValue(feedId, out var running))
            {
                return (running, false);
            }

            var task = Task.Run(() => PollFeedAsync(feedId, dueOnly, cancellationToken), CancellationToken.None);
            _inFlight[feedId] = task;
            _ = task.ContinueWith(_ => _inFlight.TryRemove(new KeyValuePair<long, Task>(feedId, task)), TaskScheduler.Default);
            return (task, true);
        }
    }

    private async Task PollFeedAsync(long feedId, bool dueOnly, CancellationToken cancellationToken)
    {
        try
        {
            await _parallel.WaitAsync(cancellationToken);
            try
            {
                FeedRecord? feed;
                await using (var db = await _database.BeginAsync(cancellationToken))
                {
                    feed = await _feeds.GetAsync(db, feedId, cancellationToken);
                }

                if (feed is null || (dueOnly && feed.NextPollAt > _time.GetUtcNow()))
                {
                    return;
                }

                var fetcher = new FeedFetcher(_http.CreateClient(AlertsServiceCollectionExtensions.HttpClientName), _time, Options.Create(_options));
                var result = await fetcher.FetchAsync(feed.Source, feed.Validators, cancellationToken);
                await RecordAsync(feed, result, cancellationToken);
                _metrics.FeedFetched(result.Status);
            }
            finally
            {
                _parallel.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError("Polling feed {FeedId} failed unexpectedly ({ErrorType}); the other feeds are not affected.", feedId, ex.GetType().Name);
        }
    }

    private async Task RecordAsync(FeedRecord feed, FeedFetchResult result, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var alerts = 0;
        var dropped = 0;
        await using (var db = await _database.BeginAsync(cancellationToken))
        {
            // The feed may have been removed while it was being fetched.
            if (await _feeds.GetAsync(db, feed.Id, cancellationToken) is null)
            {
                return;
            }

            FeedBackoffDecision decision;
            string summary;
            switch (result.Status)
            {
                case FeedFetchStatus.Ok:
                    (alerts, dropped) = await RecordStoriesAsync(db, feed, result.Items, now, cancellationToken);
                    decision = _backoff.AfterSuccess(feed.Health, now);
                    summary = feed.Primed ? FeedResult.Ok(result.Items.Count, alerts) : FeedResult.Seen(result.Items.Count);
                    break;
                case FeedFetchStatus.NotModified:
                    decision = _backoff.AfterSuccess(feed.Health, now);
                    summary = FeedResult.NotModified;
                    break;
                case FeedFetchStatus.Failed:
                    decision = _backoff.AfterFailure(feed.Health, now);
                    summary = FeedResult.Failed(result.Error);
                    break;
                default:
                    throw new InvalidOperationException("Unknown fetch status.");
            }

            await _feeds.RecordPollAsync(db, feed.Id, result.Status == FeedFetchStatus.Ok, result.Validators, decision, now, summary, cancellationToken);

            var notified = 0;
            if (decision.ShouldAlertAdmins)
            {
                notified += await _admins.NotifyAsync(db, l => _texts.Format(l, "feeds.down", ("name", feed.Name), ("error", result.Error)), now, cancellationToken);
            }

            if (decision.JustRecovered)
            {
                notified += await _admins.NotifyAsync(db, l => _texts.Format(l, "feeds.recovered", ("name", feed.Name)), now, cancellationToken);
            }

            if (alerts > 0 && _options.RequireApproval)
            {
                var waiting = await _alerts.CountAsync(db, AlertState.Pending, cancellationToken);
                notified += await _admins.NotifyAsync(db, l => _texts.Format(l, "review.waiting", ("count", alerts), ("waiting", waiting)), now, cancellationToken);
            }

            await db.CommitAsync(cancellationToken);
            if (notified > 0)
            {
                _outbox.Wake();
            }
        }

        if (result.Status == FeedFetchStatus.Failed)
        {
            _logger.LogWarning("Feed {FeedId} failed ({Failures} in a row): {Reason}", feed.Id, feed.Health.ConsecutiveFailures + 1, result.Error);
        }

        if (dropped > 0)
        {
            _logger.LogWarning("Feed {FeedId} listed {Dropped} more new matching stories than the {Max} alerts allowed per fetch; they were recorded as seen.", feed.Id, dropped, MaxAlertsPerFetch);
        }

        if (alerts > 0)
        {
            _logger.LogInformation("Feed {FeedId}: {Alerts} new alerts ({State}).", feed.Id, alerts, _options.RequireApproval ? "waiting for review" : "sending");
            if (!_options.RequireApproval)
            {
                _fanOut.Wake();
            }
        }
    }

    private async Task<(int Alerts, int Dropped)> RecordStoriesAsync(
        Storage.UnitOfWork db, FeedRecord feed, IReadOnlyList<FeedItem> items, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var alerts = 0;
        var dropped = 0;
        var state = _options.RequireApproval ? AlertState.Pending : AlertState.Approved;

        // Feeds list the newest first; record the oldest first so alerts go out in publication order.
        for (var i = items.Count - 1; i >= 0; i--)
        {
            var item = items[i];
            var keys = StoryKey.For(item, feed.Url);
            if (keys.Count == 0)
            {
                continue; // nothing to recognize it by next time: alerting would repeat it on every fetch
            }

            if (!await _seenStories.RecordAsync(db, keys, now, cancellationToken) || !feed.Primed)
            {
                continue;
            }

            var match = _matcher.Match(item);
            if (match.IsEmpty)
            {
                continue;
            }

            if (alerts == MaxAlertsPerFetch)
            {
                dropped++;
                continue;
            }

            await _alerts.InsertAsync(db, feed.Id, feed.Name, item, match, state, now, cancellationToken);
            alerts++;
        }

        return (alerts, dropped);
    }
}
