using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Tests.Support;
using System.Globalization;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>Revocation, rate limits, erasure, /stats, and what caseworker chats must never show (docs/DESIGN.md#1-who-it-serves-and-against-whom, docs/DESIGN.md#43-caseworkers–§4.5).</summary>
public sealed class CaseworkerSafetyTests : CaseworkerTestBase
{
    [Fact]
    public async Task RevokedCaseworkerLosesAccessAtOnce()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var caseworker = await CaseworkerAsync();
        await caseworker.Says("/case " + token);
        var admin = await AdminAsync();

        var list = await admin.Says("/caseworkers");
        var pseudonym = Assert.Single(list.ButtonLabels).Replace("Revoke ", "", StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{8}$", pseudonym);
        await admin.Presses(list.ButtonLabels[0]);
        var revoked = await admin.Presses(En("cw.button.revoke_yes"));
        Assert.Equal(EnF("cw.revoke.done", ("name", pseudonym)), revoked.Text);

        foreach (var command in new[] { "/case " + token, $"/status {token} safe", $"/reply {token} hello", "/mycases" })
        {
            Assert.Equal(En("unknown_command"), (await caseworker.Says(command)).Text);
        }

        Assert.Equal(En("cw.list.none"), (await admin.Says("/caseworkers")).Text);
        Assert.Equal(0, await GroupAndRestartTests.CountAsync(Bot.DatabasePath, "case_follows"));

        // A used code stays used; a new invite brings the person back.
        await caseworker.Says("/join " + await InviteAsync());
        Assert.Contains(En("status.reported"), (await caseworker.Says("/case " + token)).Text);
    }


    [Fact]
    public async Task TokenLookupsAreLimitedPerUserAndALimitedLookupReadsLikeNotFound()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var caseworker = await CaseworkerAsync();
        var colleague = await CaseworkerAsync();
        var wrong = CaseToken.NewToken().ToString();

        var notFound = await caseworker.Says("/case " + wrong);
        Assert.Equal(En("cw.not_found"), notFound.Text);
        // Joining used one look-up (invite codes are guessed like tokens), the wrong token another.
        for (var i = 2; i < LookupLimit; i++)
        {
            Assert.Contains("Mi-rae", (await caseworker.Says("/case " + token)).Text);
        }

        var limited = await caseworker.Says("/case " + token);
        Assert.Equal(notFound.RawText, limited.RawText);
        Assert.Equal(notFound.ProtectContent, limited.ProtectContent);
        Assert.Equal(En("cw.not_found"), (await caseworker.Says($"/status {token} safe")).Text);
        Assert.Equal(En("cw.not_found"), (await caseworker.Says($"/reply {token} hello")).Text);
        Assert.Contains("Mi-rae", (await colleague.Says("/case " + token)).Text);

        Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Contains("Mi-rae", (await caseworker.Says("/case " + token)).Text);
        Assert.DoesNotContain(Emulator.MessagesIn(family.ChatId), m => m.Text == En("notice.update"));
    }


    [Fact]
    public async Task ForgetMakesTheCaseNotFoundAndErasesTheRelayedText()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var caseworker = await CaseworkerAsync();
        await caseworker.Says("/case " + token);
        await family.Says("/cases");
        await family.Presses(En("button.message_caseworker"));
        await family.Says(FamilyText);
        await NextInAsync(caseworker, m => m.Text.Contains(FamilyText, StringComparison.Ordinal));
        await caseworker.Says($"/reply {token} {CaseworkerText}");
        await NextInAsync(family, m => m.Text == En("notice.update"));
        var wrong = await caseworker.Says("/case " + CaseToken.NewToken());

        await family.Says("/forget");
        await family.Presses(En("button.erase_everything"));
        await Emulator.WaitUntilAsync(() => family.Replies.Any(r => r.Text == En("forget.done")), TimeSpan.FromSeconds(10));

        var erased = await caseworker.Says("/case " + token);
        Assert.Equal(wrong.RawText, erased.RawText);
        Assert.Equal(En("cw.mycases.none"), (await caseworker.Says("/mycases")).Text);
        foreach (var table in new[] { "relay_messages", "case_follows", "cases" })
        {
            Assert.Equal(0, await GroupAndRestartTests.CountAsync(Bot.DatabasePath, table));
        }

        FileScan.AssertNoneOf(FileScan.DatabaseFiles(Bot.DatabasePath), FileScan.TextForms([FamilyText, CaseworkerText, "Mi-rae"]));
    }


    [Fact]
    public async Task CaseworkerChatsNeverShowTheFamilysIdentity()
    {
        var familyUser = Emulator.CreateUser("Hyun-woo", "Parkinson", "hyunwoo_p", "ko");
        var family = Emulator.Driver(familyUser);
        await family.Says("/start");
        await family.Presses("English");
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var caseworker = await CaseworkerAsync();
        await caseworker.Says("/case " + token);
        await caseworker.Says($"/status {token} detained Seen in Tumen");
        await family.Says("/cases");
        await family.Presses(En("button.message_caseworker"));
        await family.Says(FamilyText);
        await NextInAsync(caseworker, m => m.Text.Contains(FamilyText, StringComparison.Ordinal));
        await caseworker.Says($"/reply {token} {CaseworkerText}");
        await caseworker.Says("/case " + token);
        await caseworker.Says("/mycases");
        var admin = await AdminAsync();
        await admin.Says("/stats");
        await admin.Says("/caseworkers");

        string chatRef;
        await using (var db = await Bot.Service<Database>().BeginAsync())
        {
            using var chat = await Bot.Service<ChatStore>().FindAsync(db, familyUser.ChatId, CancellationToken.None);
            chatRef = chat!.Id;
        }

        var keys = Bot.Service<KeyStore>();
        string[] secrets =
        [
            familyUser.Id.ToString(CultureInfo.InvariantCulture),
            Pseudonym.Of(keys.Index.ChatIndex(familyUser.ChatId)),
            chatRef,
            "Hyun-woo",
            "Parkinson",
            "hyunwoo_p",
        ];
        var delivered = new[] { caseworker.ChatId, AdminUser.ChatId }
            .SelectMany(Emulator.MessagesIn)
            .Where(m => m.IsFromBot)
            .ToList();
        Assert.True(delivered.Count >= 8);
        foreach (var message in delivered)
        {
            foreach (var secret in secrets)
            {
                Assert.False(
                    (message.RawText ?? "").Contains(secret, StringComparison.OrdinalIgnoreCase) || message.Text.Contains(secret, StringComparison.OrdinalIgnoreCase),
                    "a caseworker or admin chat shows something of the family's identity");
                Assert.DoesNotContain(message.ButtonLabels, l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
            }
        }

        // And the family sees nothing about the caseworker: no id, no pseudonym.
        var caseworkerPseudonym = Pseudonym.Of(keys.Index.ChatIndex(caseworker.ChatId));
        Assert.DoesNotContain(Emulator.MessagesIn(family.ChatId), m => m.Text.Contains(caseworkerPseudonym, StringComparison.Ordinal)
            || m.Text.Contains(caseworker.ChatId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }


    [Fact]
    public async Task StatsShowsCountsOnly()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        await CaseFlowTests.RegisterAsync(family, "Su-jin");
        await CaseworkerAsync();
        var admin = await AdminAsync();

        var stats = await admin.Says("/stats");

        Assert.Contains("Families with a case: 1", stats.Text);
        Assert.Contains("Cases: 2", stats.Text);
        Assert.Contains("Caseworkers: 1", stats.Text);
        Assert.Contains(En("status.reported") + ": 2", stats.Text);
        Assert.Contains(En("topic.repatriation") + ": 0", stats.Text);
        Assert.DoesNotContain("Mi-rae", stats.Text);
    }

    [Fact]
    public async Task CaseworkerWhoErasesThemselvesLosesTheRoleAndTheirFollows()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var caseworker = await CaseworkerAsync();
        await caseworker.Says("/case " + token);

        await caseworker.Says("/forget");
        await caseworker.Presses(En("button.erase_everything"));
        await Emulator.WaitUntilAsync(() => caseworker.Replies.Any(r => r.Text == En("forget.done")), TimeSpan.FromSeconds(10));

        Assert.Equal(0, await GroupAndRestartTests.CountAsync(Bot.DatabasePath, "caseworkers"));
        Assert.Equal(0, await GroupAndRestartTests.CountAsync(Bot.DatabasePath, "case_follows"));
        // A fresh chat now, in the language Telegram reports (Korean).
        Assert.Equal(CaseFlowTests.Ko("unknown_command"), (await caseworker.Says("/case " + token)).Text);
        Assert.Contains("Mi-rae", (await family.Says("/cases")).Text);
    }
}
