using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.EndToEnd;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FamilyLinkBot.Tests.Delivery;

/// <summary>Rows are claimed before they are sent (docs/DESIGN.md#8-delivery, docs/DESIGN.md#12-scale-out): what another process holds is not sent twice.</summary>
public sealed class OutboxClaimTests : EmulatedBotTest
{
    private const string Text = "Your caseworker has an update";

    [Fact]
    public async Task RowClaimedByAnotherLiveProcessIsNotSentUntilItsLeaseLapses()
    {
        var users = await Recipients.SeedAsync(Emulator, Bot.Service<Database>(), Bot.Service<ChatStore>(), 3);
        var ids = new List<long>();
        await using (var db = await Bot.Service<Database>().BeginAsync())
        {
            foreach (var user in users)
            {
                using var chat = (await Bot.Service<ChatStore>().FindAsync(db, user.ChatId, CancellationToken.None))!;
                var id = await Bot.Service<OutboxStore>().EnqueueAsync(db, chat, Lane.Notice, new OutgoingMessage { Text = Text }, DateTimeOffset.UtcNow, CancellationToken.None);
                ids.Add(id);
            }

            // Another process (another instance name) claimed the first two: one with a live lease, one whose lease lapsed.
            await using var claim = db.Command(
                    "UPDATE outbox SET claimed_by = 'other:1', claimed_until = CASE id WHEN @live THEN @future ELSE @past END WHERE id IN (@live, @lapsed);")
                .With("@live", ids[0]).With("@lapsed", ids[1])
                .With("@future", DateTimeOffset.UtcNow.AddMinutes(3).ToUnixTimeMilliseconds())
                .With("@past", DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds());
            await claim.ExecuteNonQueryAsync();
            await db.CommitAsync();
        }

        Bot.Service<Outbox>().Wake();
        await Emulator.WaitUntilAsync(() => Recipients.Received(Emulator, users[1], Text) == 1 && Recipients.Received(Emulator, users[2], Text) == 1, TimeSpan.FromSeconds(10));
        await Task.Delay(1500);
        Assert.Equal(0, Recipients.Received(Emulator, users[0], Text));

        // The other process died: once its lease lapses, the row goes.
        await using (var db = await Bot.Service<Database>().BeginAsync())
        {
            await using var lapse = db.Command("UPDATE outbox SET claimed_until = @past WHERE id = @id;")
                .With("@past", DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds()).With("@id", ids[0]);
            await lapse.ExecuteNonQueryAsync();
            await db.CommitAsync();
        }

        await Emulator.WaitUntilAsync(() => Recipients.Received(Emulator, users[0], Text) == 1, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task DeliveryStatisticsCountEverySentAndFailedMessageOnce()
    {
        // Outcomes are folded per transaction into one shard of their hour's counter (side-by-side writers on
        // PostgreSQL draw different shards): /stats must still see each sent and failed message exactly once.
        var users = await Recipients.SeedAsync(Emulator, Bot.Service<Database>(), Bot.Service<ChatStore>(), 24);
        var blocked = users[^1];
        Emulator.Block(blocked.ChatId);
        var since = DateTimeOffset.UtcNow;
        await using (var db = await Bot.Service<Database>().BeginAsync())
        {
            foreach (var user in users)
            {
                using var chat = (await Bot.Service<ChatStore>().FindAsync(db, user.ChatId, CancellationToken.None))!;
                var copies = user == blocked ? 3 : 2; // a blocked chat fails everything it still has pending at once
                for (var i = 0; i < copies; i++)
                {
                    await Bot.Service<OutboxStore>().EnqueueAsync(db, chat, Lane.Notice, new OutgoingMessage { Text = Text }, DateTimeOffset.UtcNow, CancellationToken.None);
                }
            }

            await db.CommitAsync();
        }

        Bot.Service<Outbox>().Wake();
        await Emulator.WaitUntilAsync(() => users.SkipLast(1).All(u => Recipients.Received(Emulator, u, Text) == 2), TimeSpan.FromSeconds(30));
        Dictionary<OutboxState, long> counts = [];
        await Emulator.WaitUntilAsync(
            () =>
            {
                counts = CountsSince(since).GetAwaiter().GetResult();
                return counts.GetValueOrDefault(OutboxState.Pending) == 0;
            },
            TimeSpan.FromSeconds(30));
        Assert.Equal(2 * (users.Count - 1), counts.GetValueOrDefault(OutboxState.Sent));
        Assert.Equal(3, counts.GetValueOrDefault(OutboxState.Failed));
    }

    private async Task<Dictionary<OutboxState, long>> CountsSince(DateTimeOffset since)
    {
        await using var db = await Bot.Service<Database>().ReadAsync(CancellationToken.None);
        return await Bot.Service<OutboxStore>().CountSinceAsync(db, since, CancellationToken.None);
    }

    [Fact]
    public async Task TwoCasesOfOneFamilyCannotShareANumber()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        await using var db = await Bot.Service<Database>().BeginAsync();
        await using var duplicate = db.Command(
            "INSERT INTO cases (id, chat_ref, number, token_hash, relation, region, status, created_at, updated_at) " +
            "SELECT 'copy', chat_ref, number, @hash, relation, region, status, created_at, updated_at FROM cases LIMIT 1;")
            .With("@hash", new byte[] { 0 });
        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => duplicate.ExecuteNonQueryAsync());
        // SQLite names the columns, PostgreSQL the index.
        Assert.True(error.Message.Contains("cases.number", StringComparison.Ordinal) || error.Message.Contains("cases_chat_number", StringComparison.Ordinal));
    }
}
