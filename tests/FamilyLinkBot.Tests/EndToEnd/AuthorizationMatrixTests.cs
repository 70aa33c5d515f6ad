using System.Globalization;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>
/// docs/DESIGN.md#45-admin-commands: every command × {family, caseworker, revoked caseworker, admin}. Whoever lacks the role gets exactly the
/// unknown-command answer. Admins may use the caseworker commands without joining. Commands not built yet
/// (/subscribe, /broadcast, /feeds, /review…) are unknown to everybody, which is still consistent.
/// </summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    private static readonly string[] Commands =
    [
        "start", "help", "language", "cancel", "register", "cases", "subscribe", "unsubscribe", "privacy", "panic", "forget",
        "join", "case", "status", "reply", "mycases",
        "invite", "caseworkers", "feeds", "review", "broadcast", "broadcasts", "stats",
    ];

    private readonly TempFolder _folder = new();
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
            new Dictionary<string, string?> { ["Admins:UserIds:0"] = _adminUser.Id.ToString(CultureInfo.InvariantCulture) });
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _emulator.DisposeAsync();
        LogSafety.AssertClean(_bot.Logs, _emulator);
        _folder.Dispose();
    }

    private static string En(string key) => CaseFlowTests.En(key);

    [Fact]
    public async Task EveryCommandFromSomeoneWithoutTheRoleGetsExactlyTheUnknownCommandAnswer()
    {
        var admin = _emulator.Driver(_adminUser);
        await admin.Says("/start");
        await admin.Presses("English");
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        var caseworker = await CaseFlowTests.OnboardAsync(_emulator);
        var revoked = await CaseFlowTests.OnboardAsync(_emulator);
        foreach (var person in new[] { caseworker, revoked })
        {
            var code = System.Text.RegularExpressions.Regex.Match((await admin.Says("/invite")).Text, "CW-[0-9A-Z-]{14}").Value;
            Assert.StartsWith(En("cw.join.done"), (await person.Says("/join " + code)).Text, StringComparison.Ordinal);
        }

        var list = await admin.Says("/caseworkers");
        Assert.Equal(2, list.ButtonLabels.Count);
        var revokedName = Pseudonym.Of(_bot.Service<KeyStore>().Index.ChatIndex(revoked.ChatId));
        await admin.Presses(Assert.Single(list.ButtonLabels, l => l.Contains(revokedName, StringComparison.Ordinal)));
        await admin.Presses(En("cw.button.revoke_yes"));

        var reference = await family.Says("/no_such_command");
        Assert.Equal(En("unknown_command"), reference.Text);

        var router = _bot.Service<Router>();
        var roles = router.Commands.ToDictionary(c => c.Name, c => c.Role, StringComparer.Ordinal);
        var people = new (string Name, ChatDriver Driver, Role Role)[]
        {
            ("family", family, Role.Anyone),
            ("caseworker", caseworker, Role.Caseworker),
            ("revoked caseworker", revoked, Role.Anyone),
            ("admin", admin, Role.Admin),
        };
        var failures = new List<string>();
        foreach (var (name, driver, role) in people)
        {
            driver.QuietPeriod = TimeSpan.FromMilliseconds(60);
            foreach (var command in Commands)
            {
                var allowed = roles.TryGetValue(command, out var needed) && Allowed(role, needed);
                var answer = await driver.Says("/" + command);
                var isUnknown = answer.RawText == reference.RawText
                    && answer.ProtectContent == reference.ProtectContent
                    && answer.ReplyMarkup is null
                    && answer.Entities.Count == reference.Entities.Count;
                if (allowed == isUnknown)
                {
                    failures.Add($"/{command} from {name}: expected {(allowed ? "an answer" : "unknown_command")}");
                }
            }
        }

        Assert.Empty(failures);

        // /help lists each role's own commands, and nobody else's.
        Assert.Equal(En("help.text"), (await family.Says("/help")).Text);
        Assert.Equal(En("help.text"), (await revoked.Says("/help")).Text);
        var caseworkerHelp = (await caseworker.Says("/help")).Text;
        Assert.Contains("/mycases", caseworkerHelp, StringComparison.Ordinal);
        Assert.DoesNotContain("/broadcast", caseworkerHelp, StringComparison.Ordinal);
        var adminHelp = (await admin.Says("/help")).Text;
        foreach (var command in new[] { "/mycases", "/invite", "/caseworkers", "/broadcasts", "/review", "/feeds", "/stats" })
        {
            Assert.Contains(command, adminHelp, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(_emulator.Requests, r => r.StatusCode >= 400);
    }

    [Theory]
    [InlineData(Language.Ko)]
    [InlineData(Language.En)]
    [InlineData(Language.Zh)]
    public void AnAdminsHelpFitsInOneTelegramMessage(Language language)
    {
        var raw = Texts.Shared.Get(language, "help.text") + "\n\n" + Texts.Shared.Get(language, "cw.help") + "\n\n" + Texts.Shared.Get(language, "admin.help");

        Assert.True(raw.Length <= 4096, $"{raw.Length} characters");
    }

    private static bool Allowed(Role have, Role need) => need switch
    {
        Role.Anyone => true,
        Role.Caseworker => have is Role.Caseworker or Role.Admin,
        Role.Admin => have is Role.Admin,
    };
}
