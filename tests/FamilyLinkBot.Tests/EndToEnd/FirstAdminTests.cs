using System.Globalization;
using System.Text.RegularExpressions;
using FamilyLinkBot.Caseworkers;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>The first admin by a one-time code printed on the console, for an operator who cannot know their Telegram id.</summary>
public sealed partial class FirstAdminTests : IAsyncLifetime
{
    private const int LookupLimit = 4;

    private readonly TempFolder _folder = new();
    private BotApiEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await BotApiEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task SetupWithThePrintedCodeMakesTheSenderAnAdmin()
    {
        var console = new StringWriter();
        string code;
        await using (var bot = await StartAsync(console))
        {
            code = CodeIn(console.ToString());
            var operatorChat = await CaseFlowTests.OnboardAsync(_emulator);
            Assert.Equal(CaseFlowTests.En("unknown_command"), (await operatorChat.Says("/invite")).Text);

            var welcome = await operatorChat.Says("/setup " + code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal));

            Assert.Contains(CaseFlowTests.En("setup.done"), welcome.Text);
            Assert.Matches(InvitePattern(), (await operatorChat.Says("/invite")).Text);
            Assert.DoesNotContain(code, bot.Logs.AllText);
            Assert.DoesNotContain(code[3..], bot.Logs.AllText);
        }

        // The role is stored: after a restart the admin is still one, and no new code is printed.
        var again = new StringWriter();
        await using (var bot = await StartAsync(again))
        {
            Assert.DoesNotContain("/setup", again.ToString());
            var operatorChat = _emulator.Driver(_emulator.Users[0]);
            Assert.Matches(InvitePattern(), (await operatorChat.Says("/invite")).Text);
        }
    }

    [Fact]
    public async Task WrongOrReusedCodeAnswersLikeAnUnknownCommand()
    {
        var console = new StringWriter();
        await using var bot = await StartAsync(console);
        var code = CodeIn(console.ToString());
        var first = await CaseFlowTests.OnboardAsync(_emulator);
        var second = await CaseFlowTests.OnboardAsync(_emulator);
        var unknown = CaseFlowTests.En("unknown_command");

        Assert.Equal(unknown, (await second.Says("/setup AD-0000-0000-0000")).Text);
        Assert.Equal(unknown, (await second.Says("/setup")).Text);
        Assert.Equal(unknown, (await second.Says("/setup " + new string('x', 500))).Text);
        Assert.Contains(CaseFlowTests.En("setup.done"), (await first.Says("/setup " + code)).Text);

        Assert.Equal(unknown, (await second.Says("/setup " + code)).Text);
        Assert.Equal(unknown, (await second.Says("/invite")).Text);
        Assert.Equal(unknown, (await first.Says("/setup " + code)).Text);
    }

    [Fact]
    public async Task SetupAttemptsAreRateLimitedLikeOtherCodes()
    {
        var console = new StringWriter();
        await using var bot = await StartAsync(console);
        var code = CodeIn(console.ToString());
        var guesser = await CaseFlowTests.OnboardAsync(_emulator);
        for (var i = 0; i < LookupLimit; i++)
        {
            await guesser.Says("/setup AD-0000-0000-000" + i.ToString(CultureInfo.InvariantCulture));
        }

        // Over the limit even the right code is refused, with the same answer.
        Assert.Equal(CaseFlowTests.En("unknown_command"), (await guesser.Says("/setup " + code)).Text);
        Assert.Equal(CaseFlowTests.En("unknown_command"), (await guesser.Says("/invite")).Text);

        // The refused attempt did not use the code up.
        var other = await CaseFlowTests.OnboardAsync(_emulator);
        Assert.Contains(CaseFlowTests.En("setup.done"), (await other.Says("/setup " + code)).Text);
    }

    [Fact]
    public async Task NoCodeIsPrintedWhenAnAdminIsConfigured()
    {
        var console = new StringWriter();
        var admin = _emulator.CreateUser("Admin", languageCode: "en");
        await using var bot = await StartAsync(console, new() { ["Admins:UserIds:0"] = admin.Id.ToString(CultureInfo.InvariantCulture) });
        var someone = await CaseFlowTests.OnboardAsync(_emulator);

        Assert.DoesNotMatch(SetupPattern(), console.ToString());
        Assert.Equal(CaseFlowTests.En("unknown_command"), (await someone.Says("/setup AD-0000-0000-0000")).Text);
        Assert.Matches(InvitePattern(), (await _emulator.Driver(admin).Says("/invite")).Text);
    }

    [Fact]
    public async Task TheClaimedAdminErasingTheirChatMakesANewCodeAtTheNextStart()
    {
        var console = new StringWriter();
        await using (var bot = await StartAsync(console))
        {
            var operatorChat = await CaseFlowTests.OnboardAsync(_emulator);
            await operatorChat.Says("/setup " + CodeIn(console.ToString()));
            await operatorChat.Says("/forget");
            await operatorChat.Presses(CaseFlowTests.En("button.erase_everything"));
            await _emulator.WaitUntilAsync(() => operatorChat.Replies.Any(r => r.Text == CaseFlowTests.En("forget.done")), TimeSpan.FromSeconds(10));
        }

        var again = new StringWriter();
        await using (var bot = await StartAsync(again))
        {
            Assert.Matches(SetupPattern(), again.ToString());
        }
    }

    private Task<TestBot> StartAsync(StringWriter console, Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        settings["Caseworkers:TokenLookupsPerMinute"] = LookupLimit.ToString(CultureInfo.InvariantCulture);
        settings["Privacy:SweepInterval"] = "01:00:00";
        return TestBot.StartAsync(_emulator, _folder.Path, settings, s => s.AddSingleton(new SetupCodeConsole(console)));
    }

    private static string CodeIn(string console)
    {
        var match = SetupPattern().Match(console);
        Assert.True(match.Success, "no setup code on the console");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"/setup (AD-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2})")]
    private static partial Regex SetupPattern();

    [GeneratedRegex(@"CW-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}")]
    private static partial Regex InvitePattern();
}
