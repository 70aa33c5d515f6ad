using System.Globalization;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// The send rate shared by every instance on one database (docs/DESIGN.md#12-scale-out): Telegram counts per bot, not
/// per process. Each request first takes a slot of this process's own <see cref="SlidingWindowRateLimiter"/> (which
/// keeps replies first and paces notices and bulk sends), then a row in <c>send_slots</c>, the table's one owner being
/// this class. A row is granted under the dialect's lock only when the <c>limit</c>-th latest request of all instances
/// arrived a full window ago, judged as the in-memory limiter judges (answered, or granted plus
/// <see cref="SlidingWindowRateLimiter.MaxTransit"/>), on the database server's clock, so the instances' clocks need not
/// agree. Answers and refunds are written after the fact, off the sending path; until an answer is written the request
/// counts as in flight, which can only make the limit stricter.
/// </summary>
public sealed class SharedSendRateLimiter(
    Database database, SlidingWindowRateLimiter local, int limit, TimeSpan window, ILogger<SharedSendRateLimiter> logger) : ISendRateLimiter
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(2);

    private readonly long _windowMs = (long)window.TotalMilliseconds;
    private readonly long _transitMs = (long)SlidingWindowRateLimiter.MaxTransit.TotalMilliseconds;
    private int _grants;

    public async ValueTask<ISendSlot> AcquireAsync(Lane lane, CancellationToken cancellationToken)
    {
        var mine = await local.AcquireAsync(lane, cancellationToken);
        try
        {
            while (true)
            {
                var (id, wait) = await TryTakeAsync(cancellationToken);
                if (id is { } slot)
                {
                    return new Slot(this, mine, slot);
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

    private async Task<(long? Id, TimeSpan Wait)> TryTakeAsync(CancellationToken cancellationToken)
    {
        await using var db = await database.BeginAsync(cancellationToken);
        await db.Dialect.LockAsync(db, "send window", cancellationToken);
        var nowMs = db.Dialect.NowMilliseconds;

        long now;
        long? arrivedBy;
        await using (var oldest = db.Command(
                $"""
                SELECT {nowMs},
                       (SELECT CASE WHEN answered_at IS NULL OR answered_at > granted_at + @transit THEN granted_at + @transit ELSE answered_at END
                        FROM send_slots ORDER BY id DESC OFFSET @skip LIMIT 1);
                """)
            .With("@transit", _transitMs)
            .With("@skip", limit - 1))
        await using (var reader = await oldest.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            now = reader.GetInt64(0);
            arrivedBy = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }

        if (arrivedBy is { } arrived && arrived + _windowMs > now)
        {
            return (null, TimeSpan.FromMilliseconds(arrived + _windowMs - now));
        }

        long id;
        await using (var insert = db.Command($"INSERT INTO send_slots (granted_at) VALUES ({nowMs}) RETURNING id;"))
        {
            id = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        if (Interlocked.Increment(ref _grants) % 256 == 0)
        {
            await using var prune = db.Command($"DELETE FROM send_slots WHERE granted_at < {nowMs} - 60000;");
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        await db.CommitAsync(cancellationToken);
        return (id, TimeSpan.Zero);
    }

    private void Settle(long id, bool refund) => _ = Task.Run(async () =>
    {
        try
        {
            await using var db = await database.BeginAsync(CancellationToken.None);
            await using var command = refund
                ? db.Command("DELETE FROM send_slots WHERE id = @id;").With("@id", id)
                : db.Command($"UPDATE send_slots SET answered_at = {db.Dialect.NowMilliseconds} WHERE id = @id AND answered_at IS NULL;").With("@id", id);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
            await db.CommitAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The slot then counts as in flight until MaxTransit: stricter, never looser.
            logger.LogWarning("Recording a send's answer in the shared window failed ({ErrorType}).", ex.GetType().Name);
        }
    });

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
