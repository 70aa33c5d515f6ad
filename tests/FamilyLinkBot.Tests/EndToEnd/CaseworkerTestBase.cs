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

/// <summary>The bot with an admin, a low look-up limit and a faked clock, for the caseworker tests (split in two classes so they run in parallel).</summary>
public abstract partial class CaseworkerTestBase : IAsyncLifetime
{
    protected const int LookupLimit = 6;

    private readonly TempFolder _folder = new();
    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);
    protected BotApiEmulator Emulator { get; private set; } = null!;
    protected TestBot Bot { get; private set; } = null!;
    protected EmulatedUser AdminUser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await BotApiEmulator.StartAsync();
        AdminUser = Emulator.CreateUser("Admin", languageCode: "en");
        Bot = await TestBot.StartAsync(
            Emulator,
            _folder.Path,
            new Dictionary<string, string?>
            {
                ["Privacy:SweepInterval"] = "01:00:00",
                ["Admins:UserIds:0"] = AdminUser.Id.ToString(CultureInfo.InvariantCulture),
                ["Caseworkers:TokenLookupsPerMinute"] = LookupLimit.ToString(CultureInfo.InvariantCulture),
            },
            s => s.AddSingleton<TimeProvider>(Time));
    }

    public async Task DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Emulator.DisposeAsync();
        LogSafety.AssertClean(Bot.Logs, Emulator, ["Mi-rae", "Tumen detention centre", FamilyText, CaseworkerText]);
        _folder.Dispose();
    }

    protected const string FamilyText = "Is my daughter still in Tumen? We have not heard anything.";
    protected const string CaseworkerText = "We visited Tumen on Monday; a lawyer is on the case.";

    protected static string En(string key) => CaseFlowTests.En(key);

    protected static string EnF(string key, params (string Name, object? Value)[] values) =>
        FirstContactTests.Rendered(Texts.Shared.Format(Language.En, key, values));

    [GeneratedRegex(@"CW-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}")]
    protected static partial Regex InvitePattern();

    [GeneratedRegex(@"#[0-9a-f]{8}")]
    protected static partial Regex ReferencePattern();

    protected async Task<ChatDriver> AdminAsync()
    {
        var admin = Emulator.Driver(AdminUser);
        if (admin.Replies.Count == 0)
        {
            await admin.Says("/start");
            await admin.Presses("English");
        }

        return admin;
    }

    protected async Task<string> InviteAsync()
    {
        var admin = await AdminAsync();
        var reply = await admin.Says("/invite");
        var code = InvitePattern().Match(reply.Text).Value;
        Assert.NotEmpty(code);
        Assert.True(reply.ProtectContent);
        return code;
    }

    protected async Task<ChatDriver> CaseworkerAsync()
    {
        var code = await InviteAsync();
        var caseworker = await CaseFlowTests.OnboardAsync(Emulator);
        var joined = await caseworker.Says("/join " + code);
        Assert.StartsWith(En("cw.join.done"), joined.Text, StringComparison.Ordinal);
        return caseworker;
    }

    protected Task<BotMessage> NextInAsync(ChatDriver chat, Func<BotMessage, bool> predicate) =>
        Emulator.WaitForBotMessageAsync(chat.ChatId, predicate, TimeSpan.FromSeconds(10));

    protected async Task<long?> ExpiryAsync(ChatDriver chat, int messageId)
    {
        await using var db = await Bot.Service<Database>().BeginAsync();
        using var record = await Bot.Service<ChatStore>().FindAsync(db, chat.ChatId, CancellationToken.None);
        await using var command = db.Command("SELECT expires_at FROM tracked_messages WHERE chat_ref = @chat AND message_id = @id;")
            .With("@chat", record!.Id)
            .With("@id", messageId);
        return await command.ExecuteScalarAsync() is long expires ? expires : null;
    }
}
