using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Tests.Support;
using System.Globalization;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>Caseworkers and the relay (docs/DESIGN.md#43-caseworkers, docs/DESIGN.md#44-relay), driven over the emulator with the bot's clock faked.</summary>
public sealed class CaseworkerTests : CaseworkerTestBase
{
    [Fact]
    public async Task InviteJoinCaseStatusNotifiesTheFamilyAndCasesShowsTheNewStatus()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var caseworker = await CaseworkerAsync();

        var view = await caseworker.Says("/case " + token);
        Assert.Contains("Mi-rae", view.Text);
        Assert.Contains("Jilin, Tumen detention centre", view.Text);
        Assert.Contains("2026-03", view.Text);
        Assert.Contains(En("status.reported"), view.Text);
        Assert.True(view.ProtectContent);
        var reference = ReferencePattern().Match(view.Text).Value;
        Assert.NotEmpty(reference);

        var done = await caseworker.Says("/status " + token.ToLowerInvariant() + " at-risk Hearing on Friday");
        Assert.Equal(EnF("cw.status.done", ("ref", reference), ("status", En("status.at_risk"))), done.Text);

        // Discreet notifications are on by default: the push says only that there is an update.
        var notice = await NextInAsync(family, m => m.Text == En("notice.update"));
        Assert.False(notice.ProtectContent);
        Assert.Equal([En("button.show")], notice.ButtonLabels);
        var details = await family.Presses(En("button.show"));
        Assert.Contains("Mi-rae", details.Text);
        Assert.Contains(En("status.at_risk"), details.Text);
        Assert.Contains("Hearing on Friday", details.Text);
        Assert.True(details.ProtectContent);

        var cases = await family.Says("/cases");
        Assert.Contains(En("status.at_risk"), cases.Text);
        var mine = await caseworker.Says("/mycases");
        Assert.Contains(reference, mine.Text);
        Assert.Contains(En("status.at_risk"), mine.Text);
        Assert.DoesNotContain(Emulator.Requests, r => r.StatusCode >= 400);
    }


    [Fact]
    public async Task StatusWithoutDiscreetNotificationsSendsTheDetailsInTheFamilysLanguage()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        await family.Says("/language");
        await family.Presses("한국어");
        await family.Says("/privacy");
        await family.Presses("✅ " + CaseFlowTests.Ko("button.discreet"));
        var caseworker = await CaseworkerAsync();

        await caseworker.Says($"/status {token} located");

        var notice = await NextInAsync(family, m => m.Text.Contains(CaseFlowTests.Ko("status.located"), StringComparison.Ordinal));
        Assert.Contains("Mi-rae", notice.Text);
        Assert.True(notice.ProtectContent);
        Assert.Matches("[가-힣]", notice.Text);
        Assert.Empty(notice.ButtonLabels);
    }


    [Fact]
    public async Task RelayGoesToFollowingCaseworkersAndRepliesReachTheFamily()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var following = await CaseworkerAsync();
        var other = await CaseworkerAsync();
        var view = await following.Says("/case " + token);
        var reference = ReferencePattern().Match(view.Text).Value;

        await family.Says("/cases");
        Assert.Equal(EnF("relay.prompt", ("limit", "3,000")), (await family.Presses(En("button.message_caseworker"))).Text);
        Assert.Equal(EnF("relay.nontext", ("limit", "3,000")), (await family.SendsPhoto()).Text);
        var tooLong = await family.Says(new string('가', 3001));
        Assert.Contains("3001", tooLong.Text, StringComparison.Ordinal);
        Assert.Contains("3,000", tooLong.Text, StringComparison.Ordinal);
        Assert.Equal(En("relay.sent"), (await family.Says(FamilyText)).Text);

        var copy = await NextInAsync(following, m => m.Text.Contains(FamilyText, StringComparison.Ordinal));
        Assert.Contains(reference, copy.Text);
        Assert.True(copy.ProtectContent);
        Assert.DoesNotContain(Emulator.MessagesIn(other.ChatId), m => m.Text.Contains(FamilyText, StringComparison.Ordinal));

        Assert.Equal(EnF("cw.reply.done", ("ref", reference)), (await following.Says($"/reply {token} {CaseworkerText}")).Text);
        await NextInAsync(family, m => m.Text == En("notice.update"));
        var reply = await family.Presses(En("button.show"));
        Assert.Contains(CaseworkerText, reply.Text);
        Assert.Contains("Your caseworker", reply.Text);
        Assert.True(reply.ProtectContent);

        // Both of the family's copies (its own message and the caseworker's text) disappear with the family's timer.
        var familyMessage = Emulator.MessagesIn(family.ChatId).Single(m => !m.IsFromBot && m.Text == FamilyText);
        Assert.NotNull(await ExpiryAsync(family, familyMessage.MessageId));
        Assert.NotNull(await ExpiryAsync(family, reply.MessageId));

        // Opening the case shows the conversation too, protected.
        await family.Says("/cases");
        await family.Presses(En("button.view") + " · Mi-rae");
        Assert.Contains(family.Replies, m => m.ProtectContent && m.Text.Contains(CaseworkerText, StringComparison.Ordinal));
        Assert.Contains(family.Replies, m => m.ProtectContent && m.Text.Contains(FamilyText, StringComparison.Ordinal) && m.Text.StartsWith("You wrote", StringComparison.Ordinal));

        await following.Says("/case " + token);
        Assert.Contains(Emulator.MessagesIn(following.ChatId), m => m.IsFromBot && m.Text.Contains("from a caseworker", StringComparison.Ordinal) && m.Text.Contains(CaseworkerText, StringComparison.Ordinal));
        Assert.Equal(2, await GroupAndRestartTests.CountAsync(Bot.DatabasePath, "relay_messages"));
        FileScan.AssertNoneOf(FileScan.DatabaseFiles(Bot.DatabasePath), FileScan.TextForms([FamilyText, CaseworkerText]));
    }


    [Fact]
    public async Task RelayWithNoFollowerGoesToEveryCaseworker()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var first = await CaseworkerAsync();
        var second = await CaseworkerAsync();

        await family.Says("/cases");
        await family.Presses(En("button.message_caseworker"));
        await family.Says(FamilyText);

        await NextInAsync(first, m => m.Text.Contains(FamilyText, StringComparison.Ordinal));
        await NextInAsync(second, m => m.Text.Contains(FamilyText, StringComparison.Ordinal));
    }


    [Fact]
    public async Task InviteCodeWorksOnceAndExpiresAfter48Hours()
    {
        var code = await InviteAsync();
        var first = await CaseFlowTests.OnboardAsync(Emulator);
        var second = await CaseFlowTests.OnboardAsync(Emulator);
        Assert.StartsWith(En("cw.join.done"), (await first.Says("/join " + code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal))).Text, StringComparison.Ordinal);
        Assert.Equal(En("cw.join.invalid"), (await second.Says("/join " + code)).Text);

        var late = await InviteAsync();
        Time.Advance(TimeSpan.FromHours(48) + TimeSpan.FromMinutes(1));
        Assert.Equal(En("cw.join.invalid"), (await second.Says("/join " + late)).Text);
        Assert.Equal(En("unknown_command"), (await second.Says("/mycases")).Text);
    }
}
