using System.Text.RegularExpressions;
using FamilyLinkBot.Cases;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>/register, /cases and their buttons (docs/DESIGN.md#41-family-commands, docs/DESIGN.md#42-case-statuses), driven as a family over the emulator.</summary>
public sealed partial class CaseFlowTests : EmulatedBotTest
{
    protected override IReadOnlyList<string> SecretTexts => ["Mi-rae", "Tumen detention centre"];

    internal static string En(string key) => FirstContactTests.Rendered(Texts.Shared.Get(Language.En, key));

    internal static string Ko(string key) => FirstContactTests.Rendered(Texts.Shared.Get(Language.Ko, key));

    internal static string EnF(string key, params (string Name, object? Value)[] values) =>
        FirstContactTests.Rendered(Texts.Shared.Format(Language.En, key, values));

    internal static async Task<ChatDriver> OnboardAsync(BotApiEmulator emulator, string languageButton = "English")
    {
        var family = emulator.Driver(emulator.CreateUser(languageCode: "ko"));
        await family.Says("/start");
        await family.Presses(languageButton);
        return family;
    }

    internal static string TokenIn(BotMessage message) => TokenPattern().Match(message.Text).Value;

    // A letters token (FL-…) or a Korean word code (seven words of 2-3 syllables, single spaces).
    [GeneratedRegex(@"FL-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}|(?<![가-힣])[가-힣]{2,3}( [가-힣]{2,3}){6}(?![가-힣])")]
    internal static partial Regex TokenPattern();

    [Fact]
    public async Task RegisterInEnglishStoresTheCaseAndShowsTheTokenOnce()
    {
        var family = await OnboardAsync(Emulator);

        Assert.Equal(En("reg.relation.prompt"), (await family.Says("/register")).Text);
        Assert.Equal(EnF("reg.alias.prompt", ("limit", RegisterFlow.AliasLimit)), (await family.Presses("Child")).Text);
        Assert.Equal(En("reg.region.prompt"), (await family.Says("Mi-rae")).Text);
        Assert.Equal(EnF("reg.place_detail.prompt", ("limit", RegisterFlow.PlaceDetailLimit)), (await family.Presses("Jilin")).Text);
        Assert.Equal(En("reg.since.prompt"), (await family.Says("Tumen detention centre")).Text);
        var summary = await family.Says("2026-03");

        Assert.Contains("Mi-rae", summary.Text);
        Assert.Contains("Jilin, Tumen detention centre", summary.Text);
        Assert.Contains("2026-03", summary.Text);
        Assert.True(summary.ProtectContent);

        await family.Presses("Confirm");
        var tokenMessage = family.LastReply();
        var token = TokenIn(tokenMessage);
        Assert.NotEmpty(token);
        Assert.True(tokenMessage.ProtectContent);
        Assert.Single(Emulator.AllBotMessages, m => m.Text.Contains(token, StringComparison.Ordinal));

        var cases = await family.Says("/cases");
        Assert.Contains("Mi-rae", cases.Text);
        Assert.Contains(En("status.reported"), cases.Text);
        Assert.DoesNotContain(token, cases.Text);
        Assert.Contains(cases.ButtonLabels, l => l.Contains("Mi-rae", StringComparison.Ordinal));
        Assert.Contains(En("button.message_caseworker"), cases.ButtonLabels);
    }

    [Fact]
    public async Task RegisterInKoreanWithTypedNumbersAndSkips()
    {
        var family = await OnboardAsync(Emulator, "한국어");

        Assert.Equal(Ko("reg.relation.prompt"), (await family.Says("/register")).Text);
        await family.Says("4");                          // Sibling, typed as its number
        await family.Presses(Ko("button.skip"));         // no alias
        await family.Says("지린성");                      // the region's label as typed, without its old name
        await family.Presses(Ko("button.skip"));
        var summary = await family.Presses(Ko("button.unknown"));

        Assert.Contains(Ko("relation.sibling"), summary.Text);
        Assert.Contains(Ko("region.jilin"), summary.Text);
        Assert.Contains(Ko("value.not_given"), summary.Text);
        await family.Presses(Ko("button.confirm"));
        Assert.Equal(7, TokenIn(family.LastReply()).Split(' ').Length); // a Korean family gets a word code
        Assert.Matches("[가-힣]", family.Replies[^2].Text);

        var cases = await family.Says("/cases");
        Assert.Contains(Ko("status.reported"), cases.Text);
    }

    [Theory]
    [InlineData("한국어", "2026년 3월", "2026-03")]
    [InlineData("한국어", "2026년 3월 15일", "2026-03-15")]
    [InlineData("中文", "2026年3月", "2026-03")]
    [InlineData("中文", "2026年3月5日", "2026-03-05")]
    [InlineData("English", "2026.3", "2026-03")]
    public async Task RegisterReadsTheDateAsPeopleWriteIt(string languageButton, string typed, string stored)
    {
        var family = await OnboardAsync(Emulator, languageButton);
        await family.Says("/register");
        await family.Says("1");
        await family.Says("Mi-rae");
        await family.Says("2");
        await family.Says("Tumen");

        var summary = await family.Says(typed);

        Assert.Contains(stored, summary.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterReasksWithTheReasonOnEveryInvalidAnswer()
    {
        var family = await OnboardAsync(Emulator);
        await family.Says("/register");

        await family.Says("uncle");
        Assert.Equal(En("reg.relation.prompt"), family.LastReply().Text);
        Assert.Contains(En("choice.invalid"), family.Replies.Select(r => r.Text));

        await family.Presses("Parent");
        await family.SendsPhoto();
        Assert.Equal(EnF("reg.alias.prompt", ("limit", RegisterFlow.AliasLimit)), family.LastReply().Text);
        Assert.Contains(En("nontext.refused"), family.Replies.Select(r => r.Text));

        await family.Says(new string('가', 101));
        Assert.Contains(family.Replies, r => r.Text.Contains("101", StringComparison.Ordinal) && r.Text.Contains("100", StringComparison.Ordinal));
        Assert.Equal(EnF("reg.alias.prompt", ("limit", RegisterFlow.AliasLimit)), family.LastReply().Text);

        await family.Says("   ");
        Assert.Contains(En("reg.text.empty"), family.Replies.Select(r => r.Text));

        await family.Says("Grandma Kim");
        await family.Presses("Liaoning");
        await family.Says(new string('x', 201));
        Assert.Equal(EnF("reg.place_detail.prompt", ("limit", RegisterFlow.PlaceDetailLimit)), family.LastReply().Text);
        await family.Says("Dandong");

        foreach (var bad in new[] { "March 2026", "2026-13", "2026-02-30", "12/2025", "2026-1-1-1" })
        {
            await family.Says(bad);
            Assert.Equal(En("reg.since.prompt"), family.LastReply().Text);
            Assert.Equal(En("reg.since.invalid"), family.Replies[^2].Text);
        }

        await family.Says("2099-01");
        Assert.Equal(En("reg.since.future"), family.Replies[^2].Text);
        await family.Says(DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(En("reg.since.future"), family.Replies[^2].Text);

        var summary = await family.Says("2025-11-02");
        Assert.Contains("Grandma Kim", summary.Text);
        Assert.Contains("2025-11-02", summary.Text);
        Assert.DoesNotContain(Emulator.Requests, r => r.StatusCode >= 400);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task CancelAtAnyStepLeavesTheFlowAndStoresNoCase(int steps)
    {
        var family = await OnboardAsync(Emulator);
        await family.Says("/register");
        var answers = new Func<Task>[]
        {
            () => family.Presses("Spouse"),
            () => family.Says("Alias"),
            () => family.Presses("Russia"),
            () => family.Presses("Skip"),
            () => family.Says("2024-05"),
        };
        foreach (var answer in answers.Take(steps))
        {
            await answer();
        }

        var before = family.LastReply();
        Assert.Equal(En("cancel.done"), (await family.Says("/cancel")).Text);
        var stale = await family.PressesRaw(before, before.Buttons[0].CallbackData!);
        Assert.Equal(En("answer.button_expired"), stale.Text);
        Assert.Equal(En("cases.none"), (await family.Says("/cases")).Text);
    }

    [Fact]
    public async Task RestartInTheMiddleOfTheFlowResumesAtTheSameStep()
    {
        var family = await OnboardAsync(Emulator);
        await family.Says("/register");
        await family.Presses("Friend");
        await family.Says("Young-hee");

        await RestartBotAsync();

        await family.Presses("Heilongjiang");
        await family.Presses("Skip");
        var summary = await family.Presses("Unknown");
        Assert.Contains("Young-hee", summary.Text);
        Assert.Contains("Heilongjiang", summary.Text);
    }

    [Fact]
    public async Task AliasWithMarkupComesBackLiterally()
    {
        const string alias = "<b>&amp; Lee</b> & <i>";
        var family = await OnboardAsync(Emulator);
        await family.Says("/register");
        await family.Presses("Other relative");
        await family.Says(alias);
        await family.Presses("Unknown");
        await family.Says("<script>&</script>");
        var summary = await family.Presses("Unknown");

        Assert.Contains(alias, summary.Text);
        Assert.Contains("<script>&</script>", summary.Text);
        await family.Presses("Confirm");
        var cases = await family.Says("/cases");
        Assert.Contains(alias, cases.Text);
        Assert.DoesNotContain(Emulator.Requests, r => r.StatusCode >= 400);
    }

    [Fact]
    public async Task NewTokenMakesTheOldOneDead()
    {
        var family = await OnboardAsync(Emulator);
        var oldToken = await RegisterAsync(family, "Su-jin");

        await family.Says("/cases");
        await family.Presses(En("button.new_token"));
        await family.Presses(En("button.make_new_token"));
        var newToken = TokenIn(family.LastReply());

        Assert.NotEqual(oldToken, newToken);
        Assert.Null(await FindAsync(oldToken));
        Assert.NotNull(await FindAsync(newToken));
    }

    [Fact]
    public async Task ViewShowsTheCaseAndCloseClosesIt()
    {
        var family = await OnboardAsync(Emulator);
        await RegisterAsync(family, "Chul-soo");

        await family.Says("/cases");
        var view = await family.Presses(En("button.view") + " · Chul-soo");
        Assert.Contains(En("status.reported"), view.Text);
        Assert.True(view.ProtectContent);

        await family.Presses(En("button.close_case"));
        await family.Presses(En("button.close_case"));
        var cases = await family.Says("/cases");
        Assert.Contains(En("status.closed"), cases.Text);
        Assert.DoesNotContain(En("button.close_case"), cases.ButtonLabels);
    }

    [Fact]
    public async Task MessageCaseworkerIsNotADeadButton()
    {
        var family = await OnboardAsync(Emulator);
        await RegisterAsync(family, "Min-ji");
        await family.Says("/cases");

        var reply = await family.Presses(En("button.message_caseworker"));

        Assert.False(string.IsNullOrWhiteSpace(reply.Text));
    }

    internal static async Task<string> RegisterAsync(ChatDriver family, string alias)
    {
        await family.Says("/register");
        await family.Presses("Child");
        await family.Says(alias);
        await family.Presses("Jilin");
        await family.Says("Tumen detention centre");
        await family.Says("2026-03");
        await family.Presses("Confirm");
        return TokenIn(family.LastReply());
    }

    private async Task<(string, string)?> FindAsync(string token)
    {
        Assert.True(CaseToken.TryParse(token, out var parsed));
        var database = Bot.Service<Database>();
        await using var db = await database.BeginAsync();
        return await Bot.Service<CaseStore>().FindByTokenAsync(db, parsed, CancellationToken.None);
    }
}
