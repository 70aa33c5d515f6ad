using System.Globalization;
using System.Text.RegularExpressions;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>Caseworkers, the relay and the admin commands (SPEC §4.3–§4.5), driven over the emulator with the bot's clock faked.</summary>
public sealed partial class CaseworkerTests : IAsyncLifetime
{
    private const int LookupLimit = 6;

    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private BotApiEmulator _emulator = null!;
    private TestBot _bot = null!;
    private EmulatedUser _adminUser = null!;

    public async Task InitializeAsync()
    {
        _emulator = await BotApiEmulator.StartAsync();
        _adminUser = _emulator.CreateUser("Admin", languageCode: "en");
        _bot = await TestBot.StartAsync(
            _emulator,
            _folder.Path,
            new Dictionary<string, string?>
            {
                ["Privacy:SweepInterval"] = "01:00:00",
                ["Admins:UserIds:0"] = _adminUser.Id.ToString(CultureInfo.InvariantCulture),
                ["Caseworkers:TokenLookupsPerMinute"] = LookupLimit.ToString(CultureInfo.InvariantCulture),
            },
            s => s.AddSingleton<TimeProvider>(_time));
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _emulator.DisposeAsync();
        LogSafety.AssertClean(_bot.Logs, _emulator, ["Mi-rae", "Tumen detention centre", FamilyText, CaseworkerText]);
        _folder.Dispose();
    }

    private const string FamilyText = "Is my daughter still in Tumen? We have not heard anything.";
    private const string CaseworkerText = "We visited Tumen on Monday; a lawyer is on the case.";

    private static string En(string key) => CaseFlowTests.En(key);

    private static string EnF(string key, params (string Name, object? Value)[] values) =>
        FirstContactTests.Rendered(Texts.Shared.Format(Language.En, key, values));

    [GeneratedRegex(@"CW-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}")]
    private static partial Regex InvitePattern();

    [GeneratedRegex(@"#[0-9a-f]{8}")]
    private static partial Regex ReferencePattern();

    private async Task<ChatDriver> AdminAsync()
    {
        var admin = _emulator.Driver(_adminUser);
        if (admin.Replies.Count == 0)
        {
            await admin.Says("/start");
            await admin.Presses("English");
        }

        return admin;
    }

    private async Task<string> InviteAsync()
    {
        var admin = await AdminAsync();
        var reply = await admin.Says("/invite");
        var code = InvitePattern().Match(reply.Text).Value;
        Assert.NotEmpty(code);
        Assert.True(reply.ProtectContent);
        return code;
    }

    private async Task<ChatDriver> CaseworkerAsync()
    {
        var code = await InviteAsync();
        var caseworker = await CaseFlowTests.OnboardAsync(_emulator);
        var joined = await caseworker.Says("/join " + code);
        Assert.StartsWith(En("cw.join.done"), joined.Text, StringComparison.Ordinal);
        return caseworker;
    }

    private Task<BotMessage> NextInAsync(ChatDriver chat, Func<BotMessage, bool> predicate) =>
        _emulator.WaitForBotMessageAsync(chat.ChatId, predicate, TimeSpan.FromSeconds(10));

    [Fact]
    public async Task InviteJoinCaseStatusNotifiesTheFamilyAndCasesShowsTheNewStatus()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
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
        Assert.DoesNotContain(_emulator.Requests, r => r.StatusCode >= 400);
    }

    [Fact]
    public async Task StatusWithoutDiscreetNotificationsSendsTheDetailsInTheFamilysLanguage()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        await family.Says("/language");
        await family.Presses("한국어");
        await family.Says("/privacy");
        await family.Presses(CaseFlowTests.Ko("button.discreet_on"));
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
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var following = await CaseworkerAsync();
        var other = await CaseworkerAsync();
        var view = await following.Says("/case " + token);
        var reference = ReferencePattern().Match(view.Text).Value;

        await family.Says("/cases");
        Assert.Equal(En("relay.prompt"), (await family.Presses(En("button.message_caseworker"))).Text);
        Assert.Equal(En("relay.nontext"), (await family.SendsPhoto()).Text);
        var tooLong = await family.Says(new string('가', 3001));
        Assert.Contains("3001", tooLong.Text, StringComparison.Ordinal);
        Assert.Contains("3,000", tooLong.Text, StringComparison.Ordinal);
        Assert.Equal(En("relay.sent"), (await family.Says(FamilyText)).Text);

        var copy = await NextInAsync(following, m => m.Text.Contains(FamilyText, StringComparison.Ordinal));
        Assert.Contains(reference, copy.Text);
        Assert.True(copy.ProtectContent);
        Assert.DoesNotContain(_emulator.MessagesIn(other.ChatId), m => m.Text.Contains(FamilyText, StringComparison.Ordinal));

        Assert.Equal(EnF("cw.reply.done", ("ref", reference)), (await following.Says($"/reply {token} {CaseworkerText}")).Text);
        await NextInAsync(family, m => m.Text == En("notice.update"));
        var reply = await family.Presses(En("button.show"));
        Assert.Contains(CaseworkerText, reply.Text);
        Assert.Contains("Your caseworker", reply.Text);
        Assert.True(reply.ProtectContent);

        // Both of the family's copies (its own message and the caseworker's text) disappear with the family's timer.
        var familyMessage = _emulator.MessagesIn(family.ChatId).Single(m => !m.IsFromBot && m.Text == FamilyText);
        Assert.NotNull(await ExpiryAsync(family, familyMessage.MessageId));
        Assert.NotNull(await ExpiryAsync(family, reply.MessageId));

        await following.Says("/case " + token);
        Assert.Contains(_emulator.MessagesIn(following.ChatId), m => m.IsFromBot && m.Text.Contains("from a caseworker", StringComparison.Ordinal) && m.Text.Contains(CaseworkerText, StringComparison.Ordinal));
        Assert.Equal(2, await GroupAndRestartTests.CountAsync(_bot.DatabasePath, "relay_messages"));
        FileScan.AssertNoneOf(FileScan.DatabaseFiles(_bot.DatabasePath), FileScan.TextForms([FamilyText, CaseworkerText]));
    }

    [Fact]
    public async Task RelayWithNoFollowerGoesToEveryCaseworker()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
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
    public async Task RevokedCaseworkerLosesAccessAtOnce()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
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
        Assert.Equal(0, await GroupAndRestartTests.CountAsync(_bot.DatabasePath, "case_follows"));

        // A used code stays used; a new invite brings the person back.
        await caseworker.Says("/join " + await InviteAsync());
        Assert.Contains(En("status.reported"), (await caseworker.Says("/case " + token)).Text);
    }

    [Fact]
    public async Task InviteCodeWorksOnceAndExpiresAfter48Hours()
    {
        var code = await InviteAsync();
        var first = await CaseFlowTests.OnboardAsync(_emulator);
        var second = await CaseFlowTests.OnboardAsync(_emulator);
        Assert.StartsWith(En("cw.join.done"), (await first.Says("/join " + code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal))).Text, StringComparison.Ordinal);
        Assert.Equal(En("cw.join.invalid"), (await second.Says("/join " + code)).Text);

        var late = await InviteAsync();
        _time.Advance(TimeSpan.FromHours(48) + TimeSpan.FromMinutes(1));
        Assert.Equal(En("cw.join.invalid"), (await second.Says("/join " + late)).Text);
        Assert.Equal(En("unknown_command"), (await second.Says("/mycases")).Text);
    }

    [Fact]
    public async Task TokenLookupsAreLimitedPerUserAndALimitedLookupReadsLikeNotFound()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
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

        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Contains("Mi-rae", (await caseworker.Says("/case " + token)).Text);
        Assert.DoesNotContain(_emulator.MessagesIn(family.ChatId), m => m.Text == En("notice.update"));
    }

    [Fact]
    public async Task ForgetMakesTheCaseNotFoundAndErasesTheRelayedText()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
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
        await _emulator.WaitUntilAsync(() => family.Replies.Any(r => r.Text == En("forget.done")), TimeSpan.FromSeconds(10));

        var erased = await caseworker.Says("/case " + token);
        Assert.Equal(wrong.RawText, erased.RawText);
        Assert.Equal(En("cw.mycases.none"), (await caseworker.Says("/mycases")).Text);
        foreach (var table in new[] { "relay_messages", "case_follows", "cases" })
        {
            Assert.Equal(0, await GroupAndRestartTests.CountAsync(_bot.DatabasePath, table));
        }

        FileScan.AssertNoneOf(FileScan.DatabaseFiles(_bot.DatabasePath), FileScan.TextForms([FamilyText, CaseworkerText, "Mi-rae"]));
    }

    [Fact]
    public async Task CaseworkerChatsNeverShowTheFamilysIdentity()
    {
        var familyUser = _emulator.CreateUser("Hyun-woo", "Parkinson", "hyunwoo_p", "ko");
        var family = _emulator.Driver(familyUser);
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
        await using (var db = await _bot.Service<Database>().BeginAsync())
        {
            using var chat = await _bot.Service<ChatRepository>().FindAsync(db, familyUser.ChatId, CancellationToken.None);
            chatRef = chat!.Id;
        }

        var keys = _bot.Service<KeyStore>();
        string[] secrets =
        [
            familyUser.Id.ToString(CultureInfo.InvariantCulture),
            Pseudonym.Of(keys.Index.ChatIndex(familyUser.ChatId)),
            chatRef,
            "Hyun-woo",
            "Parkinson",
            "hyunwoo_p",
        ];
        var delivered = new[] { caseworker.ChatId, _adminUser.ChatId }
            .SelectMany(_emulator.MessagesIn)
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
        Assert.DoesNotContain(_emulator.MessagesIn(family.ChatId), m => m.Text.Contains(caseworkerPseudonym, StringComparison.Ordinal)
            || m.Text.Contains(caseworker.ChatId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task StatsShowsCountsOnly()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
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

    private async Task<long?> ExpiryAsync(ChatDriver chat, int messageId)
    {
        await using var db = await _bot.Service<Database>().BeginAsync();
        using var record = await _bot.Service<ChatRepository>().FindAsync(db, chat.ChatId, CancellationToken.None);
        await using var command = db.Command("SELECT expires_at FROM tracked_messages WHERE chat_ref = $chat AND message_id = $id;")
            .With("$chat", record!.Id)
            .With("$id", messageId);
        return await command.ExecuteScalarAsync() is long expires ? expires : null;
    }
}
