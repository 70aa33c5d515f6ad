using System.Globalization;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Monitoring;

/// <summary>Counts read from the database for the gauges and /healthz: outbox depth by lane, running broadcasts, the oldest due message.</summary>
public sealed record DatabaseGauges(
    long PendingInteractive,
    long PendingNotice,
    long PendingBulk,
    long RunningBroadcasts,
    long BroadcastSent,
    long BroadcastFailed,
    long BroadcastRemaining,
    DateTimeOffset? OldestDue)
{
    public static DatabaseGauges Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, null);

    private const string BroadcastSql = "SELECT COUNT(*), COALESCE(SUM(total), 0) FROM broadcasts WHERE state = 0;";

    public static async Task<DatabaseGauges> ReadAsync(Database database, OutboxStore outbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(outbox);
        // One read transaction: the counts agree with each other; never the write lock.
        await using var db = await database.ReadAsync(cancellationToken);
        var (pending, oldestDue) = await outbox.PendingByLaneAsync(db, cancellationToken);
        var (sent, failed) = await outbox.RunningBroadcastOutcomesAsync(db, cancellationToken);
        long running, total;
        await using (var command = db.Command(BroadcastSql))
        {
            await using var row = await command.ExecuteReaderAsync(cancellationToken);
            await row.ReadAsync(cancellationToken);
            running = row.GetInt64(0);
            total = row.GetInt64(1);
        }

        return new DatabaseGauges(
            pending.GetValueOrDefault(Lane.Interactive),
            pending.GetValueOrDefault(Lane.Notice),
            pending.GetValueOrDefault(Lane.Bulk),
            running,
            sent,
            failed,
            Math.Max(0, total - sent - failed),
            oldestDue);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"pending {PendingInteractive}/{PendingNotice}/{PendingBulk}");
}
