using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// A chat's alert choices (docs/DESIGN.md#41-family-commands, docs/DESIGN.md#7-news-alerts): subscribed topics and regions, and whether alerts about its own cases'
/// regions are on. Operational data (docs/DESIGN.md#2-data-classification): stored in plaintext, tied to the chat row and erased with it.
/// </summary>
public sealed record SubscriptionChoices(IReadOnlySet<string> Topics, IReadOnlySet<string> Regions, bool CaseRegions);

/// <summary>The <c>subscriptions</c> table and the <c>chats.case_alerts</c> flag, for one chat at a time.</summary>
public static class SubscriptionStore
{
    public const string Topic = "topic";
    public const string Region = "region";

    public static async Task<SubscriptionChoices> GetAsync(UnitOfWork db, string chatRef, CancellationToken cancellationToken)
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

        await using var flag = db.Command("SELECT case_alerts FROM chats WHERE id = @chat;").With("@chat", chatRef);
        var caseAlerts = await flag.ExecuteScalarAsync(cancellationToken) is long value && value != 0;
        return new SubscriptionChoices(topics, regions, caseAlerts);
    }

    /// <summary>Turns one topic or region on if it was off and off if it was on; returns whether it is now on.</summary>
    public static async Task<bool> ToggleAsync(UnitOfWork db, string chatRef, string kind, string value, CancellationToken cancellationToken)
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

    public static async Task SetCaseRegionsAsync(UnitOfWork db, string chatRef, bool on, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE chats SET case_alerts = @on WHERE id = @chat;").With("@on", on ? 1 : 0).With("@chat", chatRef);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>/unsubscribe: every topic and region off, and case-region alerts off.</summary>
    public static async Task ClearAsync(UnitOfWork db, string chatRef, CancellationToken cancellationToken)
    {
        await using var delete = db.Command("DELETE FROM subscriptions WHERE chat_ref = @chat;").With("@chat", chatRef);
        await delete.ExecuteNonQueryAsync(cancellationToken);
        await SetCaseRegionsAsync(db, chatRef, false, cancellationToken);
    }
}
