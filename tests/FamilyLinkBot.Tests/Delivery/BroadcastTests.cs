using System.Diagnostics;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.EndToEnd;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.Delivery;

/// <summary>Broadcasts over the emulator with Telegram's flood limits on (docs/DESIGN.md#45-admin-commands, docs/DESIGN.md#8-delivery).</summary>
public sealed class BroadcastTests : IAsyncLifetime
{
    private const string Announcement = "Rally on Monday at 14:00 <near> City Hall & the park";

    private readonly TempFolder _folder = new();
    private BotApiEmulator? _emulator;
    private TestBot? _bot;
    private LogSink? _stoppedLogs;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_bot is not null)
        {
            await _bot.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
            if ((_bot?.Logs ?? _stoppedLogs) is { } logs)
            {
                LogSafety.AssertClean(logs, _emulator, [Announcement, "Mi-rae"]);
            }
        }

        _folder.Dispose();
    }

    private async Task<TestBot> StartAsync(BotApiEmulatorOptions options, Dictionary<string, string?>? settings = null)
    {
        _emulator = await BotApiEmulator.StartAsync(options);
        _bot = await TestBot.StartAsync(_emulator, _folder.Path, settings);
        return _bot;
    }

    [Fact]
    public async Task BroadcastWithFaultsReachesEveryOtherRecipientOnceAndMarksBlockedInactive()
    {
        var bot = await StartAsync(
            new BotApiEmulatorOptions
            {
                GlobalMessagesPerSecond = 30,
                PerChatMessagesPerSecond = 1,
                RandomFaults = new FaultProfile(Rate429: 0.004, Rate502: 0.02, RateDrop: 0.02, Seed: 7),
            },
            new() { ["Delivery:AllowPaidBroadcast"] = "true", ["Delivery:MessagesPerSecond"] = "400" });
        var emulator = _emulator!;
        var database = bot.Service<Database>();
        var users = await Recipients.SeedAsync(emulator, database, bot.Service<ChatStore>(), 2000);
        var blocked = users.Take(50).ToList();
        foreach (var user in blocked)
        {
            emulator.Block(user.ChatId);
        }

        var id = await Recipients.StartBroadcastAsync(database, bot.Service<BroadcastStore>(), bot.Service<BroadcastRunner>(), Announcement, Audience.All);
        await WaitForStateAsync(bot, id, BroadcastState.Done, TimeSpan.FromSeconds(60));

        var info = await Recipients.InfoAsync(bot, id);
        Assert.Equal(1950, info.Sent);
        Assert.Equal(50, info.Failed);
        Assert.All(users.Skip(50), u => Assert.Equal(1, Recipients.Received(emulator, u, "Rally on Monday")));
        Assert.All(blocked, u => Assert.Equal(0, Recipients.Received(emulator, u, "Rally on Monday")));
        Assert.Contains(emulator.Requests, r => r.StatusCode == 502);
        Assert.Contains(emulator.Requests, r => r.StatusCode == 0);
        Assert.True(emulator.Count429 > 0, "the run met at least one 429");
        Assert.Equal(50, await InactiveCountAsync(database));

        // The blocked families are left out of the next audience.
        await using var db = await database.BeginAsync();
        Assert.Equal(1950, await bot.Service<BroadcastStore>().CountAsync(db, Audience.All, CancellationToken.None));
    }

    [Fact]
    public async Task HelpDuringBroadcastIsAnsweredWithinTwoSeconds()
    {
        var bot = await StartAsync(new BotApiEmulatorOptions { GlobalMessagesPerSecond = 30, PerChatMessagesPerSecond = 1 });
        var emulator = _emulator!;
        var database = bot.Service<Database>();
        var family = await CaseFlowTests.OnboardAsync(emulator);
        await Task.Delay(1500); // onboarding's replies are out
        await Recipients.SeedAsync(emulator, database, bot.Service<ChatStore>(), 2000);
        var before429 = emulator.Count429;
        var id = await Recipients.StartBroadcastAsync(database, bot.Service<BroadcastStore>(), bot.Service<BroadcastRunner>(), Announcement, Audience.All);
        await emulator.WaitUntilAsync(() => emulator.AllBotMessages.Count(m => m.Text.Contains("Rally on Monday", StringComparison.Ordinal)) >= 60, TimeSpan.FromSeconds(20));

        for (var i = 0; i < 3; i++)
        {
            var asked = Stopwatch.StartNew();
            var reply = await family.Says("/help");
            var took = asked.Elapsed;
            Assert.Equal(CaseFlowTests.En("help.text"), reply.Text);
            Assert.True(took < TimeSpan.FromSeconds(2), $"/help took {took.TotalMilliseconds:0} ms during the broadcast");
            await Task.Delay(500);
        }

        Assert.Equal(BroadcastState.Running, (await Recipients.InfoAsync(bot, id)).State);
        Assert.Equal(before429, emulator.Count429);
    }

    /// <summary>
    /// Starts the emulator with the global limit on (the per-chat limit off, so that onboarding's burst of replies meets
    /// no 429 pause) and the bot with one admin, who picks <paramref name="language"/>.
    /// </summary>
    private async Task<ChatDriver> StartWithAdminAsync(string language)
    {
        _emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { GlobalMessagesPerSecond = 30 });
        var adminUser = _emulator.CreateUser(languageCode: "en");
        _bot = await TestBot.StartAsync(_emulator, _folder.Path, new Dictionary<string, string?> { ["Admins:UserIds:0"] = adminUser.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var admin = _emulator.Driver(adminUser);
        admin.QuietPeriod = TimeSpan.FromMilliseconds(500); // a button's answer can come before its edit
        await admin.Says("/start");
        await admin.Presses(language);
        return admin;
    }

    [Fact]
    public async Task AdminBroadcastToOneLanguageShowsCountSendsWithPhraseAndReportsProgress()
    {
        var admin = await StartWithAdminAsync("한국어");

        var english = await CaseFlowTests.OnboardAsync(_emulator!);
        var withPhrase = await CaseFlowTests.OnboardAsync(_emulator!);
        await withPhrase.Says("/privacy");
        await withPhrase.Presses(CaseFlowTests.En("button.set_phrase"));
        await withPhrase.Says("Mi-rae's song");
        var korean = await CaseFlowTests.OnboardAsync(_emulator!, "한국어");

        Assert.Equal(
            FirstContactTests.Rendered(Texts.Shared.Format(Language.Ko, "broadcast.prompt", ("limit", BroadcastStore.TextLimit))),
            (await admin.Says("/broadcast")).Text);
        Assert.Equal(CaseFlowTests.Ko("broadcast.audience_prompt"), (await admin.Says(Announcement)).Text);
        var preview = await admin.Presses("English");
        Assert.Contains(Announcement, preview.Text);
        Assert.Contains("2", preview.Text);
        await admin.Presses(Texts.Shared.Get(Language.Ko, "button.bc_send"));

        await _emulator!.WaitUntilAsync(
            () => Recipients.Received(_emulator, english.User, "Rally on Monday") == 1 && Recipients.Received(_emulator, withPhrase.User, "Rally on Monday") == 1,
            TimeSpan.FromSeconds(10));
        Assert.Equal(Announcement, english.LastReply().Text);
        Assert.Equal("Mi-rae's song\n\n" + Announcement, withPhrase.LastReply().Text);
        Assert.Equal(0, Recipients.Received(_emulator, korean.User, "Rally on Monday"));

        // The progress message is edited into the final counts.
        var done = FirstContactTests.Rendered(Texts.Shared.Format(Language.Ko, "broadcast.progress_done",
            ("id", 1), ("audience", new SafeHtml(BroadcastText.Audience(Texts.Shared, Language.Ko, new Audience(AudienceKind.Language, "en")))), ("sent", 2), ("failed", 0)));
        await _emulator.WaitUntilAsync(() => _emulator.MessagesIn(admin.ChatId).Any(m => m.Text == done), TimeSpan.FromSeconds(10));

        var list = await admin.Says("/broadcasts");
        Assert.Contains(Texts.Shared.Get(Language.Ko, "broadcast.state_done"), list.Text);

        // The text is encrypted at rest (docs/DESIGN.md#2-data-classification): no form of it is in the database or its WAL.
        await _bot!.DisposeAsync();
        _stoppedLogs = _bot.Logs;
        _bot = null;
        FileScan.AssertNoneOf(FileScan.DatabaseFiles(Path.Combine(_folder.Path, "bot.db")), FileScan.TextForms([Announcement, "Mi-rae's song"]));
    }

    [Fact]
    public async Task NoticeToFamilyWithPhraseBeginsWithItAndRepliesDoNot()
    {
        var bot = await StartAsync(new BotApiEmulatorOptions());
        var family = await CaseFlowTests.OnboardAsync(_emulator!);
        await family.Says("/privacy");
        await family.Presses(CaseFlowTests.En("button.set_phrase"));
        await family.Says("<Mi-rae> & me");

        await using (var db = await bot.Service<Database>().BeginAsync())
        {
            using var chat = (await bot.Service<ChatStore>().FindAsync(db, family.ChatId, CancellationToken.None))!;
            await bot.Service<OutboxStore>().EnqueueAsync(db, chat, Lane.Notice, new Conversations.OutgoingMessage { Text = "There is an update." }, DateTimeOffset.UtcNow, CancellationToken.None);
            await db.CommitAsync();
        }

        bot.Service<Outbox>().Wake();
        await _emulator!.WaitUntilAsync(() => family.LastReply().Text.EndsWith("There is an update.", StringComparison.Ordinal), TimeSpan.FromSeconds(5));

        Assert.Equal("<Mi-rae> & me\n\nThere is an update.", family.LastReply().Text);
        Assert.DoesNotContain(_emulator.MessagesIn(family.ChatId), m => m.IsFromBot && m.Text.StartsWith("<Mi-rae>", StringComparison.Ordinal) && !m.Text.Contains("update", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BroadcastFromNonAdminGetsTheUnknownCommandAnswer()
    {
        await StartAsync(new BotApiEmulatorOptions());
        var family = await CaseFlowTests.OnboardAsync(_emulator!);

        Assert.Equal(CaseFlowTests.En("unknown_command"), (await family.Says("/broadcast")).Text);
        Assert.Equal(CaseFlowTests.En("unknown_command"), (await family.Says("/broadcasts")).Text);
    }

    [Fact]
    public async Task CancelFromBroadcastsStopsARunningBroadcastWithinSeconds()
    {
        var admin = await StartWithAdminAsync("English");
        await Recipients.SeedAsync(_emulator!, _bot!.Service<Database>(), _bot!.Service<ChatStore>(), 400, Language.En);

        await admin.Says("/broadcast");
        await admin.Says(Announcement);
        await admin.Presses(CaseFlowTests.En("button.bc_all"));
        await admin.Presses(CaseFlowTests.En("button.bc_send"));
        await _emulator!.WaitUntilAsync(() => Sent(_emulator!) >= 30, TimeSpan.FromSeconds(10));

        var list = await admin.Says("/broadcasts");
        Assert.Contains(CaseFlowTests.En("broadcast.state_running"), list.Text);
        await admin.Presses("Cancel #1");
        await Task.Delay(1500);
        var atCancel = Sent(_emulator);
        await Task.Delay(2000);

        Assert.Equal(atCancel, Sent(_emulator));
        Assert.True(atCancel < 200, $"{atCancel} were sent before the cancel took effect");
        var info = await Recipients.InfoAsync(_bot, 1);
        Assert.Equal(BroadcastState.Cancelled, info.State);
        Assert.InRange(info.Sent, atCancel - 10, atCancel); // sends in flight at the cancel finish after the counts are taken
        var cancelled = FirstContactTests.Rendered(Texts.Shared.Format(Language.En, "broadcast.progress_cancelled",
            ("id", 1), ("audience", new SafeHtml(Texts.Shared.Get(Language.En, "broadcast.audience_all"))), ("sent", info.Sent), ("failed", 0)));
        await _emulator.WaitUntilAsync(() => _emulator.MessagesIn(admin.ChatId).Any(m => m.Text == cancelled), TimeSpan.FromSeconds(5));
    }

    private static int Sent(BotApiEmulator emulator) =>
        emulator.AllBotMessages.Count(m => m.Text.Contains("Rally on Monday", StringComparison.Ordinal) && !m.Text.Contains("Preview", StringComparison.Ordinal));

    internal static async Task WaitForStateAsync(TestBot bot, long id, BroadcastState state, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while ((await Recipients.InfoAsync(bot, id)).State != state)
        {
            Assert.True(deadline.Elapsed < timeout, $"broadcast not {state} within {timeout}");
            await Task.Delay(200);
        }
    }

    private static async Task<long> InactiveCountAsync(Database database)
    {
        await using var db = await database.BeginAsync();
        await using var command = db.Command("SELECT COUNT(*) FROM chats WHERE active = 0;");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
