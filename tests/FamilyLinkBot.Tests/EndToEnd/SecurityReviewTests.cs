using FamilyLinkBot.Cases;
using FamilyLinkBot.Caseworkers;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>Defects a security review found (issue 13), each driven the way a family, caseworker or operator meets it.</summary>
public sealed class SecurityReviewTests : CaseworkerTestBase
{
    [Fact]
    public async Task ANewTokenEndsTheOldFollowerUntilTheyOpenTheCaseWithTheNewOne()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var oldToken = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var oldFollower = await CaseworkerAsync();
        var colleague = await CaseworkerAsync();
        var reference = ReferencePattern().Match((await oldFollower.Says("/case " + oldToken)).Text).Value;
        Assert.Contains(reference, (await oldFollower.Says("/mycases")).Text);

        await family.Says("/cases");
        await family.Presses(En("button.new_token"));
        await family.Presses(En("button.make_new_token"));
        var newToken = CaseFlowTests.TokenIn(family.LastReply());

        Assert.DoesNotContain(reference, (await oldFollower.Says("/mycases")).Text);
        await SendToCaseworkerAsync(family, "First after the new token");
        await NextInAsync(colleague, m => m.Text.Contains("First after the new token", StringComparison.Ordinal));

        // Opened again with the new token, the case is theirs to follow again.
        Assert.Contains(reference, (await oldFollower.Says("/case " + newToken)).Text);
        Assert.Contains(reference, (await oldFollower.Says("/mycases")).Text);
        await SendToCaseworkerAsync(family, "Second after the new token");
        await NextInAsync(oldFollower, m => m.Text.Contains("Second after the new token", StringComparison.Ordinal));
        // The /case view shows the conversation so far; the relayed copy of the first message never reached them.
        var firstCopy = EnF("cw.relay.from_family", ("ref", reference), ("text", "First after the new token"));
        Assert.Contains(Emulator.MessagesIn(colleague.ChatId), m => m.Text == firstCopy);
        Assert.DoesNotContain(Emulator.MessagesIn(oldFollower.ChatId), m => m.Text == firstCopy);
    }

    [Fact]
    public async Task TypedAnswersToRegisterStepsDisappearLikePressedOnes()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        await family.Says("/register");
        await family.Says("Spouse");
        await family.Says("Mi-rae");
        await family.Says("Liaoning");
        await family.Says("Skip");
        await family.Says("Unknown");
        Assert.Contains("Mi-rae", family.LastReply().Text);

        var typed = Emulator.MessagesIn(family.ChatId).Where(m => !m.IsFromBot && m.Text is "Spouse" or "Mi-rae" or "Liaoning" or "Skip" or "Unknown").ToList();
        Assert.Equal(5, typed.Count);
        foreach (var message in typed)
        {
            Assert.NotNull(await ExpiryAsync(family, message.MessageId));
        }

        // Past the family's timer they are gone from the phone, typed choices included.
        Time.Advance(TimeSpan.FromHours(25));
        await Emulator.WaitUntilAsync(() => typed.All(m => Emulator.MessagesIn(family.ChatId).Single(s => s.MessageId == m.MessageId).IsDeleted), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task CaseworkersCopiesOfRelayedTextFollowTheFamilysTimerNotTheirOwn()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        await family.Says("/privacy");
        await family.Presses(En("button.timer_1h"));
        var caseworker = await CaseworkerAsync();
        await caseworker.Says("/privacy");
        await caseworker.Presses(En("button.timer_off"));
        await caseworker.Says("/case " + token);

        var sentAt = Time.GetUtcNow().ToUnixTimeSeconds();
        await SendToCaseworkerAsync(family, FamilyText);
        var copy = await NextInAsync(caseworker, m => m.Text.Contains(FamilyText, StringComparison.Ordinal));

        // The send's outcome (and with it the tracking row) is committed a moment after the message arrives.
        long? expires = null;
        await Emulator.WaitUntilAsync(() => (expires = ExpiryAsync(caseworker, copy.MessageId).GetAwaiter().GetResult()) is not null, TimeSpan.FromSeconds(10));
        Assert.NotNull(expires);
        Assert.InRange(expires.Value - sentAt, 3600, 3600 + 60);
    }

    [Fact]
    public async Task AHundredNoticesKeepTheirShowButtonsWorking()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        await family.Says("/cases"); // a live menu of its own, which the notices must leave alone

        await using (var db = await Bot.Service<Database>().BeginAsync())
        {
            using var chat = await Bot.Service<ChatStore>().FindAsync(db, family.ChatId, CancellationToken.None);
            var caseId = (await Bot.Service<CaseStore>().ListAsync(db, chat!, CancellationToken.None)).Single().Id;
            for (var i = 0; i < 100; i++)
            {
                await Bot.Service<FamilyNotifier>().PushAsync(db, chat!, "", FamilyNotifier.ShowStatus + caseId, Time.GetUtcNow(), CancellationToken.None);
            }

            // Telegram lets a bot send about one message a second to a chat: only the newest four are sent, to keep this
            // test short; the family's session holds what a hundred notices leave in it either way.
            await using var cancel = db.Command(
                    "UPDATE outbox SET state = 3 WHERE chat_ref = @chat AND state = 0 AND id NOT IN " +
                    "(SELECT id FROM outbox WHERE chat_ref = @chat AND state = 0 ORDER BY id DESC LIMIT 4);")
                .With("@chat", chat!.Id);
            Assert.Equal(96, await cancel.ExecuteNonQueryAsync());
            Assert.Equal(NoticeButton.Kept, (await Bot.Service<SessionStore>().LoadAsync(db, chat, CancellationToken.None)).Notices.Count);
            await db.CommitAsync();
        }

        for (var i = 0; i < 300 && Notices(family).Count < 4; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(2)); // the pace per chat runs on the bot's clock, which this test holds
            await Task.Delay(100);
        }

        var notices = Notices(family);
        foreach (var notice in new[] { notices[^1], notices[0] })
        {
            var answer = await family.PressesRaw(notice, notice.Buttons.Single().CallbackData!);
            Assert.NotEqual(En("answer.button_expired"), answer.Text);
            await NextInAsync(family, m => m.ProtectContent && m.Text.Contains("Mi-rae", StringComparison.Ordinal) && m.MessageId > notices[^1].MessageId);
        }

        // The /cases menu, live before the notices came, still works.
        Assert.Contains("Mi-rae", (await family.Presses(En("button.view") + " · Mi-rae")).Text);
    }

    [Fact]
    public async Task SwappedChatIndexesMakeNoFamilyActAsAnother()
    {
        var first = await CaseFlowTests.OnboardAsync(Emulator);
        await CaseFlowTests.RegisterAsync(first, "Alias-first");
        var second = await CaseFlowTests.OnboardAsync(Emulator);
        await CaseFlowTests.RegisterAsync(second, "Alias-second");

        // Someone who can write the database but has no key swaps the two rows' index values.
        await using (var db = await Bot.Service<Database>().BeginAsync())
        {
            var rows = new List<(string Id, byte[] Index)>();
            await using (var read = db.Command("SELECT id, chat_index FROM chats WHERE id IN (SELECT chat_ref FROM cases) ORDER BY id;"))
            await using (var reader = await read.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
                }
            }

            Assert.Equal(2, rows.Count);
            foreach (var (id, index) in new[] { (rows[0].Id, new byte[] { 0 }), (rows[1].Id, rows[0].Index), (rows[0].Id, rows[1].Index) })
            {
                await using var swap = db.Command("UPDATE chats SET chat_index = @index WHERE id = @id;").With("@index", index).With("@id", id);
                await swap.ExecuteNonQueryAsync();
            }

            await db.CommitAsync();
        }

        var before = Bot.Logs.Lines.Count(line => line.Contains("failed with", StringComparison.Ordinal));
        Emulator.SendText(first.User, "/cases");
        Emulator.SendText(second.User, "/cases");
        await Emulator.WaitUntilAsync(() => Bot.Logs.Lines.Count(line => line.Contains("failed with", StringComparison.Ordinal)) >= before + 2, TimeSpan.FromSeconds(20));

        Assert.DoesNotContain(Emulator.MessagesIn(first.ChatId), m => m.Text.Contains("Alias-second", StringComparison.Ordinal));
        Assert.DoesNotContain(Emulator.MessagesIn(second.ChatId), m => m.Text.Contains("Alias-first", StringComparison.Ordinal));
    }

    private List<BotMessage> Notices(ChatDriver family) =>
        [.. Emulator.MessagesIn(family.ChatId).Where(m => m.IsFromBot && m.Text == En("notice.update")).OrderBy(m => m.MessageId)];

    private static async Task SendToCaseworkerAsync(ChatDriver family, string text)
    {
        await family.Says("/cases");
        await family.Presses(En("button.message_caseworker"));
        Assert.Equal(En("relay.sent"), (await family.Says(text)).Text);
    }
}
