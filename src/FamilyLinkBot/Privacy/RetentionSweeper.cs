using FamilyLinkBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Privacy;

/// <summary>
/// The daily retention sweep (docs/DESIGN.md#5-erasure-and-retention): erases families inactive for Retention:InactiveFamilyDays and cases closed
/// for Retention:ClosedCaseDays, deletes broadcasts that ended Retention:BroadcastDays ago (an announcement may name
/// people), then checkpoints the WAL so nothing of them lingers in the log.
/// </summary>
public sealed class RetentionSweeper(
    Storage.SingletonLeases leases,
    Database database,
    FamilyEraser eraser,
    TimeProvider time,
    IOptions<RetentionOptions> options,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await leases.WaitForTurnAsync("retention sweep", stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("The retention sweep failed ({ErrorType}); it runs again at the next interval.", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<(int Families, int Cases, int Broadcasts)> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var inactiveSince = now.AddDays(-options.Value.InactiveFamilyDays).ToUnixTimeSeconds();
        var closedSince = now.AddDays(-options.Value.ClosedCaseDays).ToUnixTimeSeconds();

        var families = await IdsAsync("SELECT id FROM chats WHERE last_seen_at < @since;", inactiveSince, cancellationToken);
        foreach (var chatRef in families)
        {
            await using var db = await database.BeginAsync(cancellationToken);
            await eraser.EraseAsync(db, chatRef, cancellationToken);
            await db.CommitAsync(cancellationToken);
        }

        var cases = await IdsAsync("SELECT id FROM cases WHERE closed_at IS NOT NULL AND closed_at < @since;", closedSince, cancellationToken);
        foreach (var caseId in cases)
        {
            await using var db = await database.BeginAsync(cancellationToken);
            await eraser.EraseCaseAsync(db, caseId, cancellationToken);
            await db.CommitAsync(cancellationToken);
        }

        int broadcasts;
        await using (var db = await database.BeginAsync(cancellationToken))
        {
            // Their outbox rows go with them (ON DELETE CASCADE); a running broadcast is never touched.
            await using var command = db.Command("DELETE FROM broadcasts WHERE state <> 0 AND finished_at < @since;")
                .With("@since", now.AddDays(-options.Value.BroadcastDays).ToUnixTimeMilliseconds());
            broadcasts = await command.ExecuteNonQueryAsync(cancellationToken);
            await db.CommitAsync(cancellationToken);
        }

        if (families.Count + cases.Count + broadcasts > 0)
        {
            if (!await database.CheckpointAsync(cancellationToken))
            {
                logger.LogWarning("The WAL checkpoint after the retention sweep stayed blocked by a reader; erased pages may remain in the log until the next checkpoint.");
            }

            logger.LogInformation(
                "Retention sweep erased {Families} inactive families and {Cases} closed cases, and deleted {Broadcasts} ended broadcasts.",
                families.Count, cases.Count, broadcasts);
        }

        return (families.Count, cases.Count, broadcasts);
    }

    private async Task<List<string>> IdsAsync(string sql, long since, CancellationToken cancellationToken)
    {
        await using var db = await database.BeginAsync(cancellationToken);
        await using var command = db.Command(sql).With("@since", since);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
