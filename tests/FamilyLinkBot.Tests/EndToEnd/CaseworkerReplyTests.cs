using FamilyLinkBot.Caseworkers;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>
/// A caseworker answers a relayed message the way people answer in Telegram (docs/DESIGN.md#44-relay): by replying to it, with its
/// Reply button, or with /reply and the case's reference; a reply that cannot be passed on is answered and goes nowhere.
/// </summary>
public sealed class CaseworkerReplyTests : CaseworkerTestBase
{
    [Fact]
    public async Task TelegramReplyToARelayedMessageReachesTheFamilyAfterShow()
    {
        var (family, caseworker, reference, copy) = await RelayedAsync();

        Assert.Contains(En("cw.button.reply"), copy.ButtonLabels);
        Assert.EndsWith(EnF("cw.relay.from_family", ("ref", reference), ("text", FamilyText)).Split('\n')[^1], copy.Text, StringComparison.Ordinal);
        var done = await caseworker.RepliesTo(copy, CaseworkerText);

        Assert.Equal(EnF("cw.reply.done", ("ref", reference)), done.Text);
        await AssertFamilyReceivesAsync(family, CaseworkerText);
        // The caseworker's own reply holds the text for the family: it disappears like the relayed copy.
        var sent = Emulator.MessagesIn(caseworker.ChatId).Single(m => !m.IsFromBot && m.Text == CaseworkerText);
        Assert.NotNull(await ExpiryAsync(caseworker, sent.MessageId));
        FileScan.AssertNoneOf(FileScan.DatabaseFiles(Bot.DatabasePath), FileScan.TextForms([FamilyText, CaseworkerText]));
    }

    [Fact]
    public async Task ReplyButtonSendsTheCaseworkersNextTextToTheFamily()
    {
        var (family, caseworker, reference, copy) = await RelayedAsync();

        var prompt = await caseworker.PressesOn(copy, En("cw.button.reply"));
        Assert.Equal(EnF("cw.answer.prompt", ("ref", reference), ("limit", "3,000")), prompt.Text);
        Assert.Equal(EnF("cw.reply.done", ("ref", reference)), (await caseworker.Says(CaseworkerText)).Text);

        await AssertFamilyReceivesAsync(family, CaseworkerText);
        // The flow is over: the next text is not relayed again.
        await caseworker.Says("1");
        Assert.Equal(1, await CountAnswersAsync());
    }

    [Fact]
    public async Task ReplyCommandTakesTheReferenceOfAFollowedCase()
    {
        var (family, caseworker, reference, _) = await RelayedAsync();

        Assert.Equal(EnF("cw.reply.done", ("ref", reference)), (await caseworker.Says($"/reply {reference.ToUpperInvariant()} {CaseworkerText}")).Text);
        await AssertFamilyReceivesAsync(family, CaseworkerText);

        // Without text it asks for it; the next text goes to the family.
        Assert.Equal(EnF("cw.answer.prompt", ("ref", reference), ("limit", "3,000")), (await caseworker.Says("/reply " + reference)).Text);
        await caseworker.Says("Second answer");
        Assert.Equal(2, await CountAnswersAsync());

        // A reference names only a case this caseworker follows.
        var other = await CaseworkerAsync();
        Assert.Equal(En("cw.not_found"), (await other.Says($"/reply {reference} {CaseworkerText}")).Text);
        Assert.Equal(En("cw.not_found"), (await caseworker.Says("/reply #00000000 hello")).Text);
        Assert.Equal(2, await CountAnswersAsync());
    }

    [Fact]
    public async Task ReplyToAMessageThatIsNotARelayIsAnsweredAndGoesNowhere()
    {
        var (family, caseworker, _, _) = await RelayedAsync();
        var notRelay = Emulator.MessagesIn(caseworker.ChatId).First(m => m.IsFromBot && m.Text.Contains("Case #", StringComparison.Ordinal) && m.ButtonLabels.Count == 0);

        Assert.Equal(En("cw.answer.not_relay"), (await caseworker.RepliesTo(notRelay, CaseworkerText)).Text);

        Assert.Equal(0, await CountAnswersAsync());
        await family.Says("/help");
        Assert.DoesNotContain(Emulator.MessagesIn(family.ChatId), m => m.Text == En("notice.update"));
    }

    [Fact]
    public async Task RevokedCaseworkersReplyGoesNowhere()
    {
        var (family, caseworker, _, copy) = await RelayedAsync();
        var admin = await AdminAsync();
        var list = await admin.Says("/caseworkers");
        await admin.Presses(list.ButtonLabels[0]);
        await admin.Presses(En("cw.button.revoke_yes"));

        Assert.Equal(En("cw.answer.not_followed"), (await caseworker.RepliesTo(copy, CaseworkerText)).Text);
        Assert.Equal(En("cw.answer.not_followed"), (await caseworker.PressesOn(copy, En("cw.button.reply"))).Text);

        Assert.Equal(0, await CountAnswersAsync());
        await family.Says("/help");
        Assert.DoesNotContain(Emulator.MessagesIn(family.ChatId), m => m.Text == En("notice.update"));
    }

    [Fact]
    public async Task NewCaseCodeEndsRepliesToOlderCopies()
    {
        var (family, caseworker, _, copy) = await RelayedAsync();
        await family.Says("/cases");
        await family.Presses(En("button.new_token"));
        await family.Presses(En("button.make_new_token"));

        Assert.Equal(En("cw.answer.not_followed"), (await caseworker.RepliesTo(copy, CaseworkerText)).Text);
        Assert.Equal(0, await CountAnswersAsync());
    }

    [Fact]
    public async Task AnyCaseworkerReachedByAnUnfollowedCaseMayAnswerAndThenFollowsIt()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var first = await CaseworkerAsync();
        var second = await CaseworkerAsync();
        await family.Says("/cases");
        await family.Presses(En("button.message_caseworker"));
        await family.Says(FamilyText);
        var copy = await NextInAsync(second, m => m.Text.Contains(FamilyText, StringComparison.Ordinal));
        var reference = ReferencePattern().Match(copy.Text).Value;

        Assert.Equal(EnF("cw.reply.done", ("ref", reference)), (await second.RepliesTo(copy, CaseworkerText)).Text);
        await AssertFamilyReceivesAsync(family, CaseworkerText);

        // The case now has a follower, so the first caseworker's copy no longer answers it.
        var firstCopy = await NextInAsync(first, m => m.Text.Contains(FamilyText, StringComparison.Ordinal));
        Assert.Equal(En("cw.answer.not_followed"), (await first.RepliesTo(firstCopy, "Me too")).Text);
        Assert.Contains(reference, (await second.Says("/mycases")).Text);
    }

    [Fact]
    public async Task AFamilysOwnReplyToABotMessageIsReadAsUsual()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var prompt = await family.Says("/register");

        var next = await family.RepliesTo(prompt, "Child");

        Assert.Equal(EnF("reg.alias.prompt", ("limit", FamilyLinkBot.Cases.RegisterFlow.AliasLimit)), next.Text);
    }

    /// <summary>A family with a case, a caseworker who follows it, and the family's message relayed to that caseworker.</summary>
    private async Task<(ChatDriver Family, ChatDriver Caseworker, string Reference, BotMessage Copy)> RelayedAsync()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var caseworker = await CaseworkerAsync();
        var view = await caseworker.Says("/case " + token);
        var reference = ReferencePattern().Match(view.Text).Value;
        await family.Says("/cases");
        await family.Presses(En("button.message_caseworker"));
        await family.Says(FamilyText);
        var copy = await NextInAsync(caseworker, m => m.Text.Contains(FamilyText, StringComparison.Ordinal));
        Assert.Contains(reference, copy.Text);
        return (family, caseworker, reference, copy);
    }

    /// <summary>Discreet notifications are on by default: the family sees a neutral line, and the text after Show.</summary>
    private async Task AssertFamilyReceivesAsync(ChatDriver family, string text)
    {
        var notice = await NextInAsync(family, m => m.Text == En("notice.update"));
        Assert.DoesNotContain(text, notice.Text, StringComparison.Ordinal);
        var shown = await family.PressesOn(notice, En("button.show"));
        Assert.Contains(text, shown.Text, StringComparison.Ordinal);
        Assert.Contains("Your caseworker", shown.Text, StringComparison.Ordinal);
        Assert.True(shown.ProtectContent);
    }

    private async Task<long> CountAnswersAsync()
    {
        await using var db = await Bot.Service<FamilyLinkBot.Storage.Database>().BeginAsync();
        await using var command = db.Command("SELECT COUNT(*) FROM relay_messages WHERE direction = @direction;")
            .With("@direction", (int)RelayDirection.FromCaseworker);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
