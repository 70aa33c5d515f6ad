using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>What is still queued for a caseworker goes when they lose the right to read it (docs/DESIGN.md#43-caseworkers, docs/DESIGN.md#5-erasure-and-retention).</summary>
public sealed class CaseworkerOutboxTests : CaseworkerTestBase
{
    [Fact]
    public async Task RevokingACaseworkerCancelsWhatIsStillQueuedForThem()
    {
        var caseworker = await CaseworkerAsync();
        var admin = await AdminAsync();
        var queued = await QueueForAsync(caseworker, familyRef: null);

        var list = await admin.Says("/caseworkers");
        await admin.Presses(list.ButtonLabels[0]);
        await admin.Presses(En("cw.button.revoke_yes"));

        Assert.Equal(0, await PendingAsync(queued));
        Time.Advance(TimeSpan.FromHours(2));
        Bot.Service<Outbox>().Wake();
        await Task.Delay(1500);
        Assert.DoesNotContain(Emulator.MessagesIn(caseworker.ChatId), m => m.Text.Contains(FamilyText, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ForgetCancelsTheFamilysRelayedMessagesStillQueuedForCaseworkers()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var caseworker = await CaseworkerAsync();
        var queued = await QueueForAsync(caseworker, familyRef: await ChatRefAsync(family.ChatId));

        await family.Says("/forget");
        await family.Presses(En("button.erase_everything"));
        await Emulator.WaitUntilAsync(() => family.Replies.Any(r => r.Text == En("forget.done")), TimeSpan.FromSeconds(10));

        Assert.Equal(0, await PendingAsync(queued));
        Time.Advance(TimeSpan.FromHours(2));
        Bot.Service<Outbox>().Wake();
        await Task.Delay(1500);
        Assert.DoesNotContain(Emulator.MessagesIn(caseworker.ChatId), m => m.Text.Contains(FamilyText, StringComparison.Ordinal));
    }

    /// <summary>A notice for the caseworker (relaying a family's words when <paramref name="familyRef"/> is set), due in an hour.</summary>
    private async Task<long> QueueForAsync(FamilyLinkBot.Testing.ChatDriver caseworker, string? familyRef)
    {
        await using var db = await Bot.Service<Database>().BeginAsync();
        using var chat = (await Bot.Service<ChatStore>().FindAsync(db, caseworker.ChatId, CancellationToken.None))!;
        var message = new OutgoingMessage { Text = FamilyText };
        var later = Time.GetUtcNow().AddHours(1);
        var store = Bot.Service<OutboxStore>();
        var id = familyRef is null
            ? await store.EnqueueAsync(db, chat, Lane.Notice, message, later, CancellationToken.None)
            : await store.EnqueueRelayedAsync(db, chat, familyRef, message, later, CancellationToken.None);
        await db.CommitAsync();
        return id;
    }

    private async Task<string> ChatRefAsync(long chatId)
    {
        await using var db = await Bot.Service<Database>().BeginAsync();
        using var chat = (await Bot.Service<ChatStore>().FindAsync(db, chatId, CancellationToken.None))!;
        return chat.Id;
    }

    private async Task<long> PendingAsync(long itemId)
    {
        await using var db = await Bot.Service<Database>().BeginAsync();
        await using var command = db.Command("SELECT COUNT(*) FROM outbox WHERE id = @id AND state = 0;").With("@id", itemId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
