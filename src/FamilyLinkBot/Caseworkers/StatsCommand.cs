using System.Globalization;
using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>/stats (admins): aggregate counts only (docs/DESIGN.md#45-admin-commands) — nothing that names or singles out a family.</summary>
public sealed class StatsCommand(OutboxStore outbox, Alerts.SubscriptionStore subscriptions) : IBotCommand
{
    // The topics of docs/DESIGN.md#7-news-alerts, each with its number of subscribers.
    private static readonly string[] Topics = ["repatriation", "border", "detention", "rallies", "policy", "resettlement"];

    public string Name => "stats";

    public Role Role => Role.Admin;

    public string? DescriptionKey => null;

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        var families = await CountAsync(turn.Db, "SELECT COUNT(DISTINCT chat_ref) FROM cases;", cancellationToken);
        var caseworkers = await CountAsync(turn.Db, "SELECT COUNT(*) FROM caseworkers WHERE revoked_at IS NULL;", cancellationToken);

        var byStatus = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = turn.Db.Command("SELECT status, COUNT(*) FROM cases GROUP BY status;"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                byStatus[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var deliveries = await outbox.CountSinceAsync(turn.Db, turn.Now.AddHours(-24), cancellationToken);

        var statusLines = CaseStatuses.All.Select(s => turn.F("cw.stats.line", ("name", CaseText.Status(turn, s)), ("count", byStatus.GetValueOrDefault(s.Code()))));
        var subscribers = await subscriptions.CountByTopicAsync(turn.Db, cancellationToken);
        var topicLines = Topics.Select(t => turn.F("cw.stats.line", ("name", turn.T("topic." + t)), ("count", subscribers.GetValueOrDefault(t))));
        turn.Reply(turn.F(
            "cw.stats.text",
            ("families", families),
            ("cases", byStatus.Values.Sum()),
            ("caseworkers", caseworkers),
            ("statuses", new Resources.SafeHtml(string.Join("\n", statusLines))),
            ("topics", new Resources.SafeHtml(string.Join("\n", topicLines))),
            ("sent", deliveries.GetValueOrDefault(OutboxState.Sent)),
            ("failed", deliveries.GetValueOrDefault(OutboxState.Failed)),
            ("pending", deliveries.GetValueOrDefault(OutboxState.Pending))));
    }

    private static async Task<long> CountAsync(UnitOfWork db, string sql, CancellationToken cancellationToken)
    {
        await using var command = db.Command(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
