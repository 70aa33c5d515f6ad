using FamilyLinkBot.Storage;
using System.Data.Common;

namespace FamilyLinkBot.Alerts;

/// <summary>What <see cref="FeedStore.AddAsync"/> did.</summary>
public enum FeedAddOutcome
{
    Added,
    Restored,
    AlreadyListed,
}

/// <summary>
/// The <c>feeds</c> table: feeds from News:Feeds (synchronized at start) and from /feeds add, with their validators,
/// failure state and last result. A removed feed keeps its row (flag <c>removed</c>) so News:Feeds does not bring it back.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class FeedStore
{
    private const string Columns =
        "id, name, url, language, source, primed, etag, last_modified, consecutive_failures, first_failure_at, admins_alerted, next_poll_at, last_polled_at, last_result";

    /// <summary>Adds configured feeds not yet known and drops configured feeds no longer in the configuration.</summary>
    public async Task SyncConfiguredAsync(UnitOfWork db, IReadOnlyList<FeedSource> configured, CancellationToken cancellationToken)
    {
        foreach (var feed in configured)
        {
            await using var insert = db.Command(
                    "INSERT INTO feeds (name, url, language, source) VALUES (@name, @url, @language, 'config') ON CONFLICT(url) DO NOTHING;")
                .With("@name", feed.Name.Trim())
                .With("@url", feed.Url.Trim())
                .With("@language", string.IsNullOrWhiteSpace(feed.Language) ? null : feed.Language);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var urls = System.Text.Json.JsonSerializer.Serialize(configured.Select(f => f.Url.Trim()).ToList());
        await using var drop = db.Command(
                $"DELETE FROM feeds WHERE source = 'config' AND removed = 0 AND url NOT IN ({db.Dialect.JsonArrayValues("@urls")});")
            .With("@urls", urls);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<FeedRecord>> ListAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        await using var command = db.Command($"SELECT {Columns} FROM feeds WHERE removed = 0 ORDER BY id;");
        var feeds = new List<FeedRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            feeds.Add(Read(reader));
        }

        return feeds;
    }

    /// <summary>The feed if it exists and is not removed.</summary>
    public async Task<FeedRecord?> GetAsync(UnitOfWork db, long id, CancellationToken cancellationToken)
    {
        await using var command = db.Command($"SELECT {Columns} FROM feeds WHERE id = @id AND removed = 0;").With("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<(FeedAddOutcome Outcome, string Name)> AddAsync(UnitOfWork db, string url, string name, CancellationToken cancellationToken)
    {
        await using (var find = db.Command("SELECT id, name, removed FROM feeds WHERE url = @url;").With("@url", url))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                var existing = reader.GetString(1);
                if (reader.GetInt64(2) == 0)
                {
                    return (FeedAddOutcome.AlreadyListed, existing);
                }

                await reader.DisposeAsync();
                // Re-primed: stories published while it was removed are recorded as seen, not sent as a flood.
                await using var restore = db.Command(
                        "UPDATE feeds SET removed = 0, name = @name, primed = 0, consecutive_failures = 0, first_failure_at = NULL, " +
                        "admins_alerted = 0, next_poll_at = 0, last_result = NULL WHERE id = @id;")
                    .With("@name", name).With("@id", id);
                await restore.ExecuteNonQueryAsync(cancellationToken);
                return (FeedAddOutcome.Restored, name);
            }
        }

        await using var insert = db.Command("INSERT INTO feeds (name, url, source) VALUES (@name, @url, 'admin');")
            .With("@name", name).With("@url", url);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return (FeedAddOutcome.Added, name);
    }

    /// <summary>Stops polling the feed; returns its name, or null if it was not listed.</summary>
    public async Task<string?> RemoveAsync(UnitOfWork db, long id, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE feeds SET removed = 1 WHERE id = @id AND removed = 0 RETURNING name;").With("@id", id);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<IReadOnlyList<long>> IdsAsync(UnitOfWork db, DateTimeOffset? dueBy, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                "SELECT id FROM feeds WHERE removed = 0 AND (CAST(@due AS BIGINT) IS NULL OR next_poll_at <= @due) ORDER BY next_poll_at, id;")
            .With("@due", dueBy?.ToUnixTimeMilliseconds());
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <summary>When the earliest listed feed is due, or null when there are none.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT MIN(next_poll_at) FROM feeds WHERE removed = 0;");
        return await command.ExecuteScalarAsync(cancellationToken) is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public async Task RecordPollAsync(
        UnitOfWork db, long id, bool primed, FeedValidators? validators, FeedBackoffDecision decision, DateTimeOffset now, string result,
        CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                $"UPDATE feeds SET primed = {db.Dialect.Greatest("primed", "@primed")}, etag = @etag, last_modified = @lastModified, consecutive_failures = @failures, " +
                "first_failure_at = @firstFailure, admins_alerted = @alerted, next_poll_at = @next, last_polled_at = @now, last_result = @result " +
                "WHERE id = @id;")
            .With("@primed", primed ? 1 : 0)
            .With("@etag", validators?.ETag)
            .With("@lastModified", validators?.LastModified)
            .With("@failures", decision.Health.ConsecutiveFailures)
            .With("@firstFailure", decision.Health.FirstFailureAt?.ToUnixTimeMilliseconds())
            .With("@alerted", decision.Health.AdminsAlerted ? 1 : 0)
            .With("@next", decision.NextPollAt.ToUnixTimeMilliseconds())
            .With("@now", now.ToUnixTimeMilliseconds())
            .With("@result", result)
            .With("@id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static FeedRecord Read(DbDataReader reader)
    {
        var etag = reader.GetStringOrNull(6);
        var lastModified = reader.GetStringOrNull(7);
        return new FeedRecord
        {
            Id = reader.GetInt64(0),
            Name = reader.GetString(1),
            Url = reader.GetString(2),
            Language = reader.GetStringOrNull(3),
            FromConfig = reader.GetString(4) == "config",
            Primed = reader.GetInt64(5) != 0,
            Validators = etag is null && lastModified is null ? null : new FeedValidators(etag, lastModified),
            Health = new FeedHealth(
                (int)reader.GetInt64(8),
                reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
                reader.GetInt64(10) != 0),
            NextPollAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
            LastPolledAt = reader.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
            LastResult = reader.GetStringOrNull(13),
        };
    }
}
