using System.Collections.Concurrent;
using System.Diagnostics;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// The send rate shared by every instance on one database (docs/DESIGN.md#12-scale-out): Telegram counts per bot, not
/// per process. Each request first takes a slot of this process's own <see cref="SlidingWindowRateLimiter"/> (which
/// keeps replies first and paces notices and bulk sends), then a row in <c>send_slots</c>, the table's one owner being
/// this class (PostgreSQL only: SQLite has one process, whose window is in memory).
/// <para>
/// Rows are granted under the dialect's lock only while fewer than <c>limit</c> requests of all instances count in the
/// window ending now, on the database server's clock (so the instances' clocks need not agree). A request counts until a
/// full window after it arrived: its answer, or if unanswered its grant plus <see cref="SlidingWindowRateLimiter.MaxTransit"/>
/// plus <see cref="PrefetchLife"/> (a grant may wait that long before its request leaves) — the in-memory limiter's
/// rule. Answers and refunds are written after the fact and off the sending path, several in one transaction, each
/// with the time it really came (the database's now less how long ago it came by this process's clock); until an
/// answer is written the request counts as in flight, which can only make the limit stricter.
/// </para>
/// <para>
/// The same transaction holds back what all instances must hold back together (<c>send_pause</c>): Telegram's 429
/// "retry after", which it asks of the bot and not of one process (<see cref="TelegramAskedToWait"/>), and an outage —
/// while this process's <see cref="TelegramCircuit"/> is open it marks the outage as its own for
/// <see cref="OutageMark"/>, renewed with each probe; other instances get no grant until the mark is cleared (Telegram
/// answered the probe) or runs out (the probing instance died), so only one instance probes.
/// </para>
/// <para>
/// At high rates one transaction per grant would bound sending by the database's commit time, so a process that uses
/// its grants quickly takes several at once (up to <see cref="MaxBatch"/>); a grant unused after
/// <see cref="PrefetchLife"/> is given back. At Telegram's ordinary 30 a second every grant is its own transaction.
/// </para>
/// </summary>
public sealed class SharedSendRateLimiter : ISendRateLimiter, IDisposable
{
    /// <summary>The most grants one transaction takes.</summary>
    public const int MaxBatch = 32;

    /// <summary>How long a grant taken ahead may wait for its request before it is given back.</summary>
    public static readonly TimeSpan PrefetchLife = TimeSpan.FromMilliseconds(25);

    /// <summary>How long an outage mark holds without renewal: longer than the longest gap between two probes.</summary>
    public static readonly TimeSpan OutageMark = TelegramCircuit.LongestProbe + TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(2);
    // How often an instance held back by another's outage mark looks again.
    private static readonly TimeSpan OutageRecheck = TimeSpan.FromSeconds(1);
    // A batch used up this soon after its grant means the sender keeps up with it: the next one may be larger.
    private static readonly TimeSpan QuickUse = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(10);

    private readonly Database _database;
    private readonly SlidingWindowRateLimiter _local;
    private readonly TelegramCircuit _circuit;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly int _limit;
    private readonly ILogger<SharedSendRateLimiter> _logger;
    private readonly long _windowMs;
    private readonly long _countedForMs;
    private readonly SemaphoreSlim _taking = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Queue<long> _ready = new();
    private readonly ConcurrentQueue<(long Id, long At, bool Refund)> _settled = new();
    private readonly SemaphoreSlim _flushSignal = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _flusher;
    private long _readySince;
    private long _lastBatchAt;
    private int _batch = 1;
    private int _transactions;
    private long _askedToWaitMs;
    private long _outageMarkedAt;

    public SharedSendRateLimiter(
        Database database, SlidingWindowRateLimiter local, TelegramCircuit circuit, int limit, TimeSpan window, ILogger<SharedSendRateLimiter> logger)
    {
        _database = database;
        _local = local;
        _circuit = circuit;
        _limit = limit;
        _logger = logger;
        _windowMs = (long)window.TotalMilliseconds;
        _countedForMs = (long)(SlidingWindowRateLimiter.MaxTransit + PrefetchLife).TotalMilliseconds;
        _flusher = Task.Run(FlushLoopAsync);
    }

    public async ValueTask<ISendSlot> AcquireAsync(Lane lane, CancellationToken cancellationToken)
    {
        var mine = await _local.AcquireAsync(lane, cancellationToken);
        try
        {
            while (true)
            {
                if (TakeReady() is { } ready)
                {
                    return new Slot(this, mine, ready);
                }

                TimeSpan wait;
                await _taking.WaitAsync(cancellationToken);
                try
                {
                    if (TakeReady() is { } readyMeanwhile)
                    {
                        return new Slot(this, mine, readyMeanwhile);
                    }

                    List<long> ids;
                    (ids, wait) = await TakeAsync(_batch, cancellationToken);
                    if (ids.Count > 0)
                    {
                        lock (_gate)
                        {
                            foreach (var id in ids.Skip(1))
                            {
                                _ready.Enqueue(id);
                            }

                            _readySince = _lastBatchAt = Stopwatch.GetTimestamp();
                        }

                        return new Slot(this, mine, ids[0]);
                    }
                }
                finally
                {
                    _taking.Release();
                }

                await Task.Delay(wait < MinimumWait ? MinimumWait : wait, cancellationToken);
            }
        }
        catch
        {
            mine.Refund();
            throw;
        }
    }

    public void TelegramAskedToWait(TimeSpan retryAfter)
    {
        var ms = (long)retryAfter.TotalMilliseconds;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _askedToWaitMs);
        }
        while (ms > seen && Interlocked.CompareExchange(ref _askedToWaitMs, ms, seen) != seen);

        _flushSignal.Release();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _flusher.Wait(TimeSpan.FromSeconds(2));
        _stop.Dispose();
        _taking.Dispose();
        _flushSignal.Dispose();
    }

    /// <summary>A grant taken ahead and still fresh, or null; stale ones are given back, and the batch shrinks.</summary>
    private long? TakeReady()
    {
        lock (_gate)
        {
            if (_ready.Count == 0)
            {
                // Used up: quickly enough that the sender could use more at once?
                if (Stopwatch.GetElapsedTime(_lastBatchAt) < QuickUse && _lastBatchAt != 0)
                {
                    _batch = Math.Min(MaxBatch, _batch * 2);
                    _lastBatchAt = 0;
                }

                return null;
            }

            if (Stopwatch.GetElapsedTime(_readySince) >= PrefetchLife)
            {
                while (_ready.TryDequeue(out var stale))
                {
                    Settle(stale, refund: true);
                }

                _batch = Math.Max(1, _batch / 2);
                _lastBatchAt = 0;
                return null;
            }

            return _ready.Dequeue();
        }
    }

    /// <summary>Up to <paramref name="wanted"/> grants in one transaction; none, and how long to wait, when the window is full.</summary>
    private async Task<(List<long> Ids, TimeSpan Wait)> TakeAsync(int wanted, CancellationToken cancellationToken)
    {
        await using var db = await _database.BeginAsync(cancellationToken);
        await RelaxDurabilityAsync(db, cancellationToken);
        await WriteSettledAsync(db, cancellationToken);
        await db.Dialect.LockAsync(db, "send window", cancellationToken);
        await WritePauseAsync(db, cancellationToken);
        var nowMs = db.Dialect.NowMilliseconds;

        long now, counted, heldUntil;
        long? soonestFree;
        await using (var window = db.Command(
                $"""
                WITH n AS MATERIALIZED (SELECT {nowMs} AS now),
                     c AS (SELECT CASE WHEN answered_at IS NULL OR answered_at > granted_at + @counted THEN granted_at + @counted ELSE answered_at END AS arrival
                           FROM send_slots WHERE granted_at > (SELECT now FROM n) - @window - @counted)
                SELECT (SELECT now FROM n), COUNT(*), MIN(arrival),
                       (SELECT GREATEST(paused_until, CASE WHEN outage_by IS DISTINCT FROM @me THEN LEAST(outage_until, (SELECT now FROM n) + @recheck) ELSE 0 END)
                        FROM send_pause WHERE id = 1)
                FROM c WHERE arrival > (SELECT now FROM n) - @window;
                """)
            .With("@counted", _countedForMs)
            .With("@window", _windowMs)
            .With("@me", _instance)
            .With("@recheck", (long)OutageRecheck.TotalMilliseconds))
        await using (var reader = await window.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            now = reader.GetInt64(0);
            counted = reader.GetInt64(1);
            soonestFree = reader.IsDBNull(2) ? null : reader.GetInt64(2) + _windowMs;
            heldUntil = reader.IsDBNull(3) ? 0 : reader.GetInt64(3);
        }

        if (heldUntil > now)
        {
            // Telegram asked the bot to wait, or another instance is probing an outage: no grant for anyone here.
            await db.CommitAsync(cancellationToken);
            return ([], TimeSpan.FromMilliseconds(heldUntil - now));
        }

        var free = (int)Math.Min(int.MaxValue, Math.Max(0, _limit - counted));
        if (free == 0)
        {
            await db.CommitAsync(cancellationToken); // the answers written above
            return ([], TimeSpan.FromMilliseconds(Math.Max(1, (soonestFree ?? now + 1) - now)));
        }

        var ids = new List<long>();
        await using (var insert = db.Command(
                $"INSERT INTO send_slots (granted_at) SELECT {nowMs} FROM generate_series(1, @count) RETURNING id;")
            .With("@count", Math.Min(wanted, free)))
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        if (Interlocked.Increment(ref _transactions) % 64 == 0)
        {
            await using var prune = db.Command("DELETE FROM send_slots WHERE granted_at < @before;").With("@before", now - 60_000);
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        await db.CommitAsync(cancellationToken);
        return (ids, TimeSpan.Zero);
    }

    /// <summary>
    /// Writes a 429's pause for everyone, and this process's outage mark: set (or renewed) while its circuit is open,
    /// cleared once it closed.
    /// </summary>
    private async Task WritePauseAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        var askedMs = Interlocked.Exchange(ref _askedToWaitMs, 0);
        var open = _circuit.IsOpen;
        var marked = Interlocked.Read(ref _outageMarkedAt);
        var renew = open && (marked == 0 || Stopwatch.GetElapsedTime(marked) > OutageMark / 3);
        var clear = !open && marked != 0;
        if (askedMs == 0 && !renew && !clear)
        {
            return;
        }

        var nowMs = db.Dialect.NowMilliseconds;
        await using var command = db.Command(
                $"""
                INSERT INTO send_pause (id, paused_until, outage_until, outage_by)
                VALUES (1, {nowMs} + @asked, CASE WHEN @renew THEN {nowMs} + @mark ELSE 0 END, CASE WHEN @renew THEN @me END)
                ON CONFLICT (id) DO UPDATE SET
                    paused_until = GREATEST(send_pause.paused_until, excluded.paused_until),
                    outage_until = CASE WHEN @renew THEN excluded.outage_until
                                        WHEN @clear AND send_pause.outage_by = @me THEN 0 ELSE send_pause.outage_until END,
                    outage_by = CASE WHEN @renew THEN @me
                                     WHEN @clear AND send_pause.outage_by = @me THEN NULL ELSE send_pause.outage_by END;
                """)
            .With("@asked", askedMs)
            .With("@renew", renew)
            .With("@clear", clear)
            .With("@mark", (long)OutageMark.TotalMilliseconds)
            .With("@me", _instance);
        await command.ExecuteNonQueryAsync(cancellationToken);
        Interlocked.Exchange(ref _outageMarkedAt, renew ? Stopwatch.GetTimestamp() : clear ? 0 : marked);
    }

    // The rows only pace requests: one lost with a crashed database server was counted for nothing that matters, so
    // these transactions do not wait for the disk.
    private static async Task RelaxDurabilityAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SET LOCAL synchronous_commit = off;");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void Settle(long id, bool refund)
    {
        _settled.Enqueue((id, Stopwatch.GetTimestamp(), refund));
        _flushSignal.Release();
    }

    /// <summary>Writes the answers and refunds queued so far, each answer at the time it came.</summary>
    private async Task WriteSettledAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        var answered = new List<long>();
        var ages = new List<long>();
        var refunded = new List<long>();
        while (_settled.TryDequeue(out var settled))
        {
            if (settled.Refund)
            {
                refunded.Add(settled.Id);
            }
            else
            {
                answered.Add(settled.Id);
                ages.Add((long)Stopwatch.GetElapsedTime(settled.At).TotalMilliseconds);
            }
        }

        if (refunded.Count > 0)
        {
            await using var delete = db.Command("DELETE FROM send_slots WHERE id = ANY(@ids);").With("@ids", refunded.ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        if (answered.Count > 0)
        {
            await using var update = db.Command(
                    $"""
                    UPDATE send_slots SET answered_at = {db.Dialect.NowMilliseconds} - a.age
                    FROM unnest(@ids, @ages) AS a(id, age)
                    WHERE send_slots.id = a.id AND send_slots.answered_at IS NULL;
                    """)
                .With("@ids", answered.ToArray())
                .With("@ages", ages.ToArray());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Answers not taken along by a grant are written a moment after they came, several at once.</summary>
    private async Task FlushLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                // Also once a second: an outage mark of this process is cleared soon after its circuit closed, even
                // when nothing is being sent.
                await _flushSignal.WaitAsync(OutageRecheck, _stop.Token);
                await Task.Delay(FlushDelay, _stop.Token);
                while (_flushSignal.CurrentCount > 0 && _flushSignal.Wait(0))
                {
                    // The queue is drained as a whole below.
                }

                var pauseToWrite = Interlocked.Read(ref _askedToWaitMs) != 0
                    || (Interlocked.Read(ref _outageMarkedAt) != 0) != _circuit.IsOpen;
                if (_settled.IsEmpty && !pauseToWrite)
                {
                    continue;
                }

                await using var db = await _database.BeginAsync(_stop.Token);
                await RelaxDurabilityAsync(db, _stop.Token);
                await WriteSettledAsync(db, _stop.Token);
                if (pauseToWrite)
                {
                    await db.Dialect.LockAsync(db, "send window", _stop.Token);
                    await WritePauseAsync(db, _stop.Token);
                }

                await db.CommitAsync(_stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Those slots then count as in flight until their grant plus MaxTransit: stricter, never looser.
                _logger.LogWarning("Recording sends' answers in the shared window failed ({ErrorType}).", ex.GetType().Name);
            }
        }
    }

    private sealed class Slot(SharedSendRateLimiter owner, ISendSlot local, long id) : ISendSlot
    {
        private int _settled;

        public void Refund()
        {
            if (Interlocked.Exchange(ref _settled, 1) == 0)
            {
                local.Refund();
                owner.Settle(id, refund: true);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _settled, 1) == 0)
            {
                local.Dispose();
                owner.Settle(id, refund: false);
            }
        }
    }
}
