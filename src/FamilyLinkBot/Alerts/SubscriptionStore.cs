using System.Globalization;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// A chat's alert choices (docs/DESIGN.md#41-family-commands, docs/DESIGN.md#7-news-alerts): subscribed topics and regions, and whether alerts about its own cases'
/// regions are on. Operational data (docs/DESIGN.md#2-data-classification): stored in plaintext, tied to the chat row and erased with it.
/// </summary>
public sealed record SubscriptionChoices(IReadOnlySet<string> Topics, IReadOnlySet<string> Regions, bool CaseRegions);

/// <summary>
/// The <c>subscriptions</c> table: one chat's choices (with its <c>case_alerts</c> flag, kept on the chat row by
/// <see cref="ChatStore"/>), and read-only queries for other features: counts for /stats and keyset-paged audiences.
/// Only active chats count. Pages are ordered by chat row id; pass the last id of a page as <c>afterChatRef</c>
/// ("" for the first page), so an audience of any size streams without being held in memory.
/// Region audiences here are explicit region subscribers; families matched by their (encrypted) case regions are
/// found by <see cref="AlertFanOut"/>, which decrypts them one family at a time.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class SubscriptionStore(ChatStore chats)
{
    public const string Topic = "topic";
    public const string Region = "region";

    public async Task<SubscriptionChoices> GetAsync(UnitOfWork db, string chatRef, CancellationToken cancellationToken)
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        var regions = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = db.Command("SELECT kind, value FROM subscriptions WHERE chat_ref = @chat;").With("@chat", chatRef))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                (reader.GetString(0) == Topic ? topics : regions).Add(reader.GetString(1));
            }
        }

        var caseAlerts = await chats.CaseAlertsAsync(db, chatRef, cancellationToken);
        return new SubscriptionChoices(topics, regions, caseAlerts);
    }

    /// <summary>Turns one topic or region on if it was off and off if it was on; returns whether it is now on.</summary>
    public async Task<bool> ToggleAsync(UnitOfWork db, string chatRef, string kind, string value, CancellationToken cancellationToken)
    {
        var known = kind == Topic ? MatchingRules.TopicIds : MatchingRules.RegionIds;
        if (kind is not (Topic or Region) || !known.Contains(value))
        {
            throw new ArgumentException("Not a known topic or region.", nameof(value));
        }

        await using var delete = db.Command("DELETE FROM subscriptions WHERE chat_ref = @chat AND kind = @kind AND value = @value;")
            .With("@chat", chatRef).With("@kind", kind).With("@value", value);
        if (await delete.ExecuteNonQueryAsync(cancellationToken) > 0)
        {
            return false;
        }

        await using var insert = db.Command("INSERT INTO subscriptions (chat_ref, kind, value) VALUES (@chat, @kind, @value);")
            .With("@chat", chatRef).With("@kind", kind).With("@value", value);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    public Task SetCaseRegionsAsync(UnitOfWork db, string chatRef, bool on, CancellationToken cancellationToken) =>
        chats.SetCaseAlertsAsync(db, chatRef, on, cancellationToken);

    /// <summary>/unsubscribe: every topic and region off, and case-region alerts off.</summary>
    public async Task ClearAsync(UnitOfWork db, string chatRef, CancellationToken cancellationToken)
    {
        await using var delete = db.Command("DELETE FROM subscriptions WHERE chat_ref = @chat;").With("@chat", chatRef);
        await delete.ExecuteNonQueryAsync(cancellationToken);
        await SetCaseRegionsAsync(db, chatRef, false, cancellationToken);
    }

    /// <summary>Active subscribers per topic id, every topic present (0 when none).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByTopicAsync(UnitOfWork db, CancellationToken cancellationToken)
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

    public Task<IReadOnlyList<string>> ChatRefsForTopicPageAsync(
        UnitOfWork db, string topic, string afterChatRef, int pageSize, CancellationToken cancellationToken) =>
        PageAsync(db, Topic, topic, afterChatRef, pageSize, cancellationToken);

    public Task<IReadOnlyList<string>> ChatRefsForRegionPageAsync(
        UnitOfWork db, string region, string afterChatRef, int pageSize, CancellationToken cancellationToken) =>
        PageAsync(db, Region, region, afterChatRef, pageSize, cancellationToken);

    private async Task<IReadOnlyList<string>> PageAsync(
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
