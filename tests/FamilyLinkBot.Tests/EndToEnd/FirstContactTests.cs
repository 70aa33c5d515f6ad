using FamilyLinkBot.Resources;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>/start, the language choice, /help, /language and the answers to odd input, driven as a user over the emulator.</summary>
public sealed class FirstContactTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private BotApiEmulator _emulator = null!;
    private TestBot _bot = null!;

    public async Task InitializeAsync()
    {
        _emulator = await BotApiEmulator.StartAsync();
        _bot = await TestBot.StartAsync(_emulator, _folder.Path);
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _emulator.DisposeAsync();
        LogSafety.AssertClean(_bot.Logs, _emulator);
        _folder.Dispose();
    }

    private static string En(string key) => Rendered(Texts.Shared.Get(Language.En, key));

    private static string Ko(string key) => Rendered(Texts.Shared.Get(Language.Ko, key));

    /// <summary>A resource string as Telegram shows it: tags gone, entities decoded.</summary>
    internal static string Rendered(string html) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", ""));

    [Fact]
    public async Task StartOffersThreeLanguages()
    {
        var family = _emulator.Driver(_emulator.CreateUser());

        var reply = await family.Says("/start");

        Assert.Equal(["한국어", "English", "中文"], reply.ButtonLabels);
    }

    [Fact]
    public async Task StartThenEnglishShowsPrivacyNoticeAndMenu()
    {
        var family = _emulator.Driver(_emulator.CreateUser(languageCode: "en"));
        await family.Says("/start");

        var menu = await family.Presses("English");

        var texts = family.Replies.Select(r => r.Text).ToList();
        Assert.Contains(texts, t => t.Contains(En("privacy.notice"), StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains(En("start.welcome"), StringComparison.Ordinal));
        Assert.Equal(En("menu.title"), menu.Text);
        Assert.Contains(En("menu.help"), menu.ButtonLabels);
        Assert.Contains(En("menu.language"), menu.ButtonLabels);
    }

    [Fact]
    public async Task StartThenKoreanRepliesAreKorean()
    {
        var family = _emulator.Driver(_emulator.CreateUser(languageCode: "en"));
        await family.Says("/start");
        await family.Presses("한국어");

        var help = await family.Says("/help");

        Assert.Contains(family.Replies, r => r.Text.Contains(Ko("privacy.notice"), StringComparison.Ordinal));
        Assert.Equal(Ko("help.text"), help.Text);
        Assert.Matches("[가-힣]", help.Text);
    }

    [Fact]
    public async Task TypedNumberOrLabelChoosesLikeAButton()
    {
        var first = _emulator.Driver(_emulator.CreateUser());
        await first.Says("/start");
        await first.Says("2");
        Assert.Equal(En("menu.title"), first.LastReply().Text);

        var second = _emulator.Driver(_emulator.CreateUser());
        await second.Says("/start");
        await second.Says("  english ");
        Assert.Equal(En("menu.title"), second.LastReply().Text);
    }

    [Fact]
    public async Task LanguageCommandSwitches()
    {
        var family = _emulator.Driver(_emulator.CreateUser());
        await family.Says("/start");
        await family.Presses("한국어");

        await family.Says("/language");
        await family.Presses("中文");
        var help = await family.Says("/help");

        Assert.Equal(Rendered(Texts.Shared.Get(Language.Zh, "help.text")), help.Text);
    }

    [Fact]
    public async Task ForgedCallbackDataIsAnsweredExpiredAndChangesNothing()
    {
        var family = _emulator.Driver(_emulator.CreateUser(languageCode: "en"));
        var menu = await family.Says("/start");
        var before = family.Replies.Count;

        foreach (var forged in new[] { "1.AAAAAAAAAAA.0", "lang:en", "1..0", "x", new string('9', 64), "1.AAAAAAAAAAA.99999" })
        {
            var answer = await family.PressesRaw(menu, forged);
            Assert.Equal(En("answer.button_expired"), answer.Text);
        }

        Assert.Equal(before, family.Replies.Count);
        var help = await family.Says("/help");
        Assert.Equal(En("help.text"), help.Text); // still no language chosen: the guess from Telegram holds
    }

    [Fact]
    public async Task StaleButtonIsAnsweredExpiredAndChangesNothing()
    {
        var family = _emulator.Driver(_emulator.CreateUser());
        var firstMenu = await family.Says("/start");
        await family.Says("/language");

        var answer = await family.PressesRaw(firstMenu, firstMenu.Buttons[2].CallbackData!);

        Assert.Equal(Ko("answer.button_expired"), answer.Text);
        var help = await family.Says("/help");
        Assert.Equal(Ko("help.text"), help.Text);
    }

    [Fact]
    public async Task ButtonPressedTwiceIsExpiredTheSecondTime()
    {
        var family = _emulator.Driver(_emulator.CreateUser());
        var menu = await family.Says("/start");
        await family.Presses("English");

        var answer = await family.PressesRaw(menu, menu.Buttons[0].CallbackData!);

        Assert.Equal(En("answer.button_expired"), answer.Text);
    }

    [Fact]
    public async Task UnknownCommandGetsTheUnknownAnswer()
    {
        var family = _emulator.Driver(_emulator.CreateUser(languageCode: "en"));

        var reply = await family.Says("/nosuchthing");

        Assert.Equal(En("unknown_command"), reply.Text);
    }

    [Fact]
    public async Task NonTextIsAnsweredPolitelyAndNotStored()
    {
        var family = _emulator.Driver(_emulator.CreateUser(languageCode: "en"));

        var reply = await family.SendsPhoto();

        Assert.Equal(En("nontext.refused"), reply.Text);
    }

    [Fact]
    public async Task CancelWithNothingToCancelSaysSo()
    {
        var family = _emulator.Driver(_emulator.CreateUser(languageCode: "en"));

        var reply = await family.Says("/cancel");

        Assert.Equal(En("cancel.nothing"), reply.Text);
    }

    [Fact]
    public async Task UserNamedWithHtmlNeverCausesABadRequest()
    {
        var user = _emulator.CreateUser(firstName: "<b>&", lastName: "</i>&amp;", username: "x_y", languageCode: "en");
        var family = _emulator.Driver(user);

        await family.Says("/start");
        await family.Presses("English");
        await family.Says("<b>&amp; Lee</b> & <i>");
        await family.Says("/help");

        Assert.DoesNotContain(_emulator.Requests, r => r.StatusCode >= 400);
    }

    [Fact]
    public async Task RedeliveredUpdateIsAppliedOnce()
    {
        var user = _emulator.CreateUser(languageCode: "en");
        var family = _emulator.Driver(user);
        await family.Says("/help");
        var helpUpdate = _emulator.LastUpdateIdFrom(user);

        _emulator.Redeliver(helpUpdate);
        await family.Says("/cancel");

        Assert.Single(family.Replies, r => r.Text == En("help.text"));
    }
}
