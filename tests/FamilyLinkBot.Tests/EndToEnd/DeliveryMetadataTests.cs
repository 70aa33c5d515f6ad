using FamilyLinkBot.Alerts;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>
/// What a copy of the database without the key tells about delivery (docs/DESIGN.md#2-data-classification, issue 13 item 3): a region alert goes to
/// chats subscribed to the region and to chats with an open case there, so a record of who received it would reveal,
/// for every recipient without a subscription, the region of a case.
/// </summary>
public sealed class DeliveryMetadataTests : EmulatedBotTest
{
    private const string Title = "Crossings near Hunchun closed after arrests";

    protected override IReadOnlyList<string> SecretTexts => ["Mi-rae", "Tumen detention centre"];

    [Fact]
    public async Task KeylessInferenceOfACaseRegionFromAlertDeliveryLearnsNothing()
    {
        var withCase = await CaseFlowTests.OnboardAsync(Emulator);
        await CaseFlowTests.RegisterAsync(withCase, "Mi-rae"); // a case in Jilin, case-region alerts on by default
        var subscribed = await CaseFlowTests.OnboardAsync(Emulator);
        var neither = await CaseFlowTests.OnboardAsync(Emulator);
        await ExecAsync(
            "INSERT INTO subscriptions (chat_ref, kind, value) SELECT id, 'region', 'jilin' FROM chats WHERE id NOT IN (SELECT chat_ref FROM cases) LIMIT 1;");
        await ExecAsync(
            $"INSERT INTO alerts (title, source, topics, regions, state, created_at, decided_at) VALUES ('{Title}', 'Test feed', '[]', '[\"jilin\"]', 'approved', {DateTimeOffset.UtcNow.ToUnixTimeSeconds()}, {DateTimeOffset.UtcNow.ToUnixTimeSeconds()});");

        // An earlier broadcast, sent without an admin chat (no progress message): its row must not keep others alive.
        await using (var db = await Bot.Service<Database>().BeginAsync())
        {
            var broadcasts = Bot.Service<BroadcastStore>();
            var id = await broadcasts.CreateAsync(db, "Earlier news", Audience.All, null, DateTimeOffset.UtcNow, CancellationToken.None);
            await broadcasts.FinishAsync(db, id, BroadcastState.Cancelled, DateTimeOffset.UtcNow, CancellationToken.None);
            await db.CommitAsync();
        }

        await Bot.Service<AlertFanOut>().DeliverApprovedAsync(CancellationToken.None);
        await Emulator.WaitUntilAsync(
            () => new[] { withCase, subscribed, neither }.Count(f => Emulator.MessagesIn(f.ChatId).Any(m => m.Text.Contains("Hunchun", StringComparison.Ordinal) || m.Text.Contains(CaseFlowTests.En("notice.alert"), StringComparison.Ordinal))) == 2,
            TimeSpan.FromSeconds(15));
        await WaitUntilNothingPendingAsync();

        // The attacker's query, on the file alone: who got a region alert (a Bulk row of no broadcast) without a
        // subscription to that region? Each such chat has an open case there.
        var inference = $"""
            SELECT DISTINCT o.chat_ref FROM outbox o, alerts a
            WHERE o.lane = 2 AND o.broadcast_id IS NULL AND o.chat_ref IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_ref = o.chat_ref AND s.kind = 'region'
                              AND s.value IN ({Bot.Service<Database>().Dialect.JsonArrayValues("a.regions")}));
            """;
        Assert.Empty(await QueryAsync(inference));
        // Nor anything else that ties a chat to a settled delivery.
        Assert.Empty(await QueryAsync("SELECT id FROM outbox WHERE state <> 0 AND (chat_ref IS NOT NULL OR source_ref IS NOT NULL);"));
        Assert.Empty(await QueryAsync("SELECT id FROM outbox WHERE lane = 2 AND broadcast_id IS NULL;"));
    }

    private async Task WaitUntilNothingPendingAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while ((await QueryAsync("SELECT id FROM outbox WHERE state = 0;")).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the outbox did not drain");
            await Task.Delay(50);
        }
    }

    private async Task ExecAsync(string sql)
    {
        await using var db = await Bot.Service<Database>().BeginAsync();
        await using var command = db.Command(sql);
        await command.ExecuteNonQueryAsync();
        await db.CommitAsync();
    }

    /// <summary>Runs a query on the database file with no key at hand, as someone with a copy of it would.</summary>
    private async Task<List<string>> QueryAsync(string sql)
    {
        await using var connection = await TestStore.OpenAsync(Bot.DatabasePath);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetValue(0).ToString() ?? "");
        }

        return rows;
    }
}
