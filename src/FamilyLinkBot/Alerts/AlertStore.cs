using System.Text.Json;
using FamilyLinkBot.Storage;
using System.Data.Common;

namespace FamilyLinkBot.Alerts;

/// <summary>The <c>alerts</c> table: pending (waiting in /review), approved (fan-out due or in progress), rejected, sent.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class AlertStore
{
    private const string Columns = "id, title, link, source, topics, regions, state, fanout_after, recipients";

    public async Task<long> InsertAsync(
        UnitOfWork db, long feedId, string source, FeedItem item, NewsMatch match, AlertState state, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                "INSERT INTO alerts (feed_id, title, link, source, topics, regions, state, created_at, decided_at) " +
                "VALUES (@feed, @title, @link, @source, @topics, @regions, @state, @now, @decided) RETURNING id;")
            .With("@feed", feedId)
            .With("@title", item.Title)
            .With("@link", item.Link)
            .With("@source", source)
            .With("@topics", JsonSerializer.Serialize(MatchingRules.TopicIds.Where(match.Topics.Contains).ToList()))
            .With("@regions", JsonSerializer.Serialize(MatchingRules.RegionIds.Where(match.Regions.Contains).ToList()))
            .With("@state", Code(state))
            .With("@now", now.ToUnixTimeSeconds())
            .With("@decided", state == AlertState.Pending ? null : now.ToUnixTimeSeconds());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<NewsAlert?> GetAsync(UnitOfWork db, long id, CancellationToken cancellationToken)
    {
        await using var command = db.Command($"SELECT {Columns} FROM alerts WHERE id = @id;").With("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The oldest alert in the given state, or null.</summary>
    public async Task<NewsAlert?> OldestAsync(UnitOfWork db, AlertState state, CancellationToken cancellationToken)
    {
        await using var command = db.Command($"SELECT {Columns} FROM alerts WHERE state = @state ORDER BY id LIMIT 1;").With("@state", Code(state));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<int> CountAsync(UnitOfWork db, AlertState state, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT COUNT(*) FROM alerts WHERE state = @state;").With("@state", Code(state));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Approves or rejects a pending alert; false when it is no longer pending (another admin decided).</summary>
    public async Task<bool> DecideAsync(UnitOfWork db, long id, bool approve, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE alerts SET state = @state, decided_at = @now WHERE id = @id AND state = 'pending';")
            .With("@state", Code(approve ? AlertState.Approved : AlertState.Rejected))
            .With("@now", now.ToUnixTimeSeconds())
            .With("@id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task AdvanceFanOutAsync(UnitOfWork db, long id, string after, int added, bool done, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                "UPDATE alerts SET fanout_after = @after, recipients = recipients + @added, state = CASE WHEN @done = 1 THEN 'sent' ELSE state END WHERE id = @id;")
            .With("@after", after)
            .With("@added", added)
            .With("@done", done ? 1 : 0)
            .With("@id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Code(AlertState state) => state switch
    {
        AlertState.Pending => "pending",
        AlertState.Approved => "approved",
        AlertState.Rejected => "rejected",
        AlertState.Sent => "sent",
    };

    private static AlertState Parse(string code) => code switch
    {
        "pending" => AlertState.Pending,
        "approved" => AlertState.Approved,
        "rejected" => AlertState.Rejected,
        _ => AlertState.Sent,
    };

    private static NewsAlert Read(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Title = reader.GetString(1),
        Link = reader.GetStringOrNull(2),
        Source = reader.GetString(3),
        Topics = JsonSerializer.Deserialize<List<string>>(reader.GetString(4)) ?? [],
        Regions = JsonSerializer.Deserialize<List<string>>(reader.GetString(5)) ?? [],
        State = Parse(reader.GetString(6)),
        FanOutAfter = reader.GetString(7),
        Recipients = (int)reader.GetInt64(8),
    };
}
