using System.Globalization;
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

    private const string OutboxSql = """
        SELECT lane, COUNT(*), MIN(not_before) FROM outbox WHERE state = 0 GROUP BY lane;
        """;

    // Per-recipient rows of running broadcasts: state 1 sent, 2 failed (outbox states).
    private const string BroadcastSql = """
        SELECT COUNT(*), COALESCE(SUM(b.total), 0),
               (SELECT COUNT(*) FROM outbox o JOIN broadcasts r ON r.id = o.broadcast_id WHERE r.state = 0 AND o.state = 1),
               (SELECT COUNT(*) FROM outbox o JOIN broadcasts r ON r.id = o.broadcast_id WHERE r.state = 0 AND o.state = 2)
        FROM broadcasts b WHERE b.state = 0;
        """;

    public static async Task<DatabaseGauges> ReadAsync(Database database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        long interactive = 0, notice = 0, bulk = 0;
        long? oldest = null;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = OutboxSql;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var count = reader.GetInt64(1);
                switch (reader.GetInt64(0))
                {
                    case 0: interactive = count; break;
                    case 1: notice = count; break;
                    default: bulk += count; break;
                }

                var due = reader.GetInt64(2);
                oldest = oldest is null ? due : Math.Min(oldest.Value, due);
            }
        }

        await using var broadcasts = connection.CreateCommand();
        broadcasts.CommandText = BroadcastSql;
        await using var row = await broadcasts.ExecuteReaderAsync(cancellationToken);
        await row.ReadAsync(cancellationToken);
        var running = row.GetInt64(0);
        var total = row.GetInt64(1);
        var sent = row.GetInt64(2);
        var failed = row.GetInt64(3);
        return new DatabaseGauges(
            interactive,
            notice,
            bulk,
            running,
            sent,
            failed,
            Math.Max(0, total - sent - failed),
            oldest is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"pending {PendingInteractive}/{PendingNotice}/{PendingBulk}");
}
