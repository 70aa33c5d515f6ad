using System.Globalization;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// Read-only subscription queries for other features: counts for /stats and keyset-paged audiences for broadcasts.
/// Only active chats count. Pages are ordered by chat row id; pass the last id of a page as <c>afterChatRef</c>
/// ("" for the first page), so an audience of any size streams without being held in memory.
/// Region audiences here are explicit region subscribers; families matched by their (encrypted) case regions are
/// found by <see cref="AlertFanOut"/>, which decrypts them one family at a time.
/// </summary>
public static class SubscriptionQueries
{
    /// <summary>Active subscribers per topic id, every topic present (0 when none).</summary>
    public static async Task<IReadOnlyDictionary<string, int>> CountByTopicAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var counts = MatchingRules.TopicIds.ToDictionary(t => t, _ => 0, StringComparer.Ordinal);
        await using var command = db.Command(
            "SELECT s.value, COUNT(*) FROM subscriptions s JOIN chats c ON c.id = s.chat_ref " +
            "WHERE s.kind = 'topic' AND c.active = 1 GROUP BY s.value;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (counts.ContainsKey(reader.GetString(0)))
            {
                counts[reader.GetString(0)] = Convert.ToInt32(reader.GetInt64(1), CultureInfo.InvariantCulture);
            }
        }

        return counts;
    }

    public static Task<IReadOnlyList<string>> ChatRefsForTopicPageAsync(
        UnitOfWork db, string topic, string afterChatRef, int pageSize, CancellationToken cancellationToken) =>
        PageAsync(db, SubscriptionStore.Topic, topic, afterChatRef, pageSize, cancellationToken);

    public static Task<IReadOnlyList<string>> ChatRefsForRegionPageAsync(
        UnitOfWork db, string region, string afterChatRef, int pageSize, CancellationToken cancellationToken) =>
        PageAsync(db, SubscriptionStore.Region, region, afterChatRef, pageSize, cancellationToken);

    private static async Task<IReadOnlyList<string>> PageAsync(
        UnitOfWork db, string kind, string value, string afterChatRef, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        await using var command = db.Command(
                "SELECT s.chat_ref FROM subscriptions s JOIN chats c ON c.id = s.chat_ref " +
                "WHERE s.kind = @kind AND s.value = @value AND s.chat_ref > @after AND c.active = 1 ORDER BY s.chat_ref LIMIT @limit;")
            .With("@kind", kind).With("@value", value).With("@after", afterChatRef ?? "").With("@limit", pageSize);
        var refs = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            refs.Add(reader.GetString(0));
        }

        return refs;
    }
}
