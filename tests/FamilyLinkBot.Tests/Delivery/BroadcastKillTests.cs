using System.Diagnostics;
using System.Globalization;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.EndToEnd;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.Delivery;

/// <summary>The real program as a child process, killed with SIGKILL in the middle of a broadcast and restarted (docs/DESIGN.md#8-delivery, docs/DESIGN.md#9-running-it).</summary>
public sealed class BroadcastKillTests : IAsyncLifetime
{
    private const int RecipientCount = 1000;
    private const string Announcement = "Border news for every family";

    private readonly TempFolder _folder = new();
    private readonly List<ChildProcess> _children = [];
    private BotApiEmulator _emulator = null!;

    public async Task InitializeAsync() =>
        _emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { GlobalMessagesPerSecond = 30 });

    public async Task DisposeAsync()
    {
        // The child's own log lines (docs/DESIGN.md#2-data-classification): no chat id, no token, no broadcast text.
        var secrets = _emulator.Users.Select(u => u.Id.ToString(CultureInfo.InvariantCulture)).Append(_emulator.Token).Append(Announcement).ToList();
        foreach (var line in _children.SelectMany(c => c.Lines))
        {
            Assert.DoesNotContain(secrets, secret => line.Contains(secret, StringComparison.Ordinal));
        }

        await _emulator.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>An English-speaking admin (driven with a longer quiet period) and the recipients, seeded in-process.</summary>
    private async Task<(EmulatedUser AdminUser, ChatDriver Admin, List<EmulatedUser> Users)> SeedAsync()
    {
        var adminUser = _emulator.CreateUser(languageCode: "en");
        // A child process answers a button before its edit goes out; under a loaded test run the gap can pass 150 ms.
        var admin = _emulator.Driver(adminUser);
        admin.QuietPeriod = TimeSpan.FromSeconds(1);
        // The first answer after a child starts waits for a cold process (JIT, migrations, getMe, commands) on a busy machine.
        admin.Timeout = TimeSpan.FromSeconds(60);
        var settings = new Dictionary<string, string?> { ["Admins:UserIds:0"] = adminUser.Id.ToString(CultureInfo.InvariantCulture) };
        await using var seeding = await TestBot.StartAsync(_emulator, _folder.Path, settings);
        await admin.Says("/start");
        await admin.Presses("English");
        var users = await Recipients.SeedAsync(_emulator, seeding.Service<Database>(), seeding.Service<ChatStore>(), RecipientCount, Language.En);
        return (adminUser, admin, users);
    }

    [Fact]
    public async Task BroadcastSurvivesKillWithNoRecipientMissed()
    {
        var (adminUser, admin, users) = await SeedAsync();

        var maxInFlight = Math.Clamp(100 / 4, 4, 32);
        using (var first = StartChild(adminUser))
        {
            await admin.Says("/broadcast");
            await admin.Says(Announcement);
            await admin.Presses(CaseFlowTests.En("button.bc_all"));
            await admin.Presses(CaseFlowTests.En("button.bc_send"));
            await _emulator.WaitUntilAsync(() => Delivered() >= 300, TimeSpan.FromSeconds(30));
            first.Process.Kill(); // SIGKILL
            await first.Process.WaitForExitAsync();
        }

        var atKill = Delivered();
        Assert.True(atKill < RecipientCount, "the kill came before the end");
        using (var second = StartChild(adminUser))
        {
            await _emulator.WaitUntilAsync(() => users.All(u => Recipients.Received(_emulator, u, Announcement) >= 1), TimeSpan.FromSeconds(40));
            await Task.Delay(1000);
            second.Process.Kill();
            await second.Process.WaitForExitAsync();
        }

        var duplicates = users.Sum(u => Math.Max(0, Recipients.Received(_emulator, u, Announcement) - 1));
        Assert.True(duplicates <= maxInFlight, $"{duplicates} duplicates; at most {maxInFlight} sends can be in flight");
    }

    [Fact]
    public async Task BroadcastSurvivesSigtermWithExitWithinTenSecondsAndNoDuplicate()
    {
        var (adminUser, admin, users) = await SeedAsync();

        using (var first = StartChild(adminUser))
        {
            await admin.Says("/broadcast");
            await admin.Says(Announcement);
            await admin.Presses(CaseFlowTests.En("button.bc_all"));
            await admin.Presses(CaseFlowTests.En("button.bc_send"));
            await _emulator.WaitUntilAsync(() => Delivered() >= 300, TimeSpan.FromSeconds(30));
            var stopping = Stopwatch.StartNew();
            using (var term = Process.Start("kill", ["-TERM", first.Process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await first.Process.WaitForExitAsync(limit.Token);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopping.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(0, first.Process.ExitCode);
        }

        Assert.True(Delivered() < RecipientCount, "SIGTERM came before the end");
        using (var second = StartChild(adminUser))
        {
            await _emulator.WaitUntilAsync(() => users.All(u => Recipients.Received(_emulator, u, Announcement) >= 1), TimeSpan.FromSeconds(40));
            await Task.Delay(1000);
            second.Process.Kill();
            await second.Process.WaitForExitAsync();
        }

        Assert.All(users, u => Assert.Equal(1, Recipients.Received(_emulator, u, Announcement)));
    }

    private int Delivered() =>
        _emulator.AllBotMessages.Count(m => m.Text.Contains(Announcement, StringComparison.Ordinal) && !m.Text.Contains("Preview", StringComparison.Ordinal));

    private ChildProcess StartChild(EmulatedUser admin)
    {
        var settings = TestStore.Settings(_folder.Path).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        settings["Telegram__BotToken"] = _emulator.Token;
        settings["Telegram__ApiBaseUrl"] = _emulator.BaseUrl;
        settings["Telegram__PollingTimeoutSeconds"] = "1";
        settings["Crypto__MasterKeyPath"] = Path.Combine(_folder.Path, "master.key");
        settings["Admins__UserIds__0"] = admin.Id.ToString(CultureInfo.InvariantCulture);
        settings["Delivery__AllowPaidBroadcast"] = "true";
        settings["Delivery__MessagesPerSecond"] = "100";
        settings["Logging__LogLevel__Default"] = "Information";
        var child = new ChildProcess(Process.Start(ProgramProcess.StartInfo(_folder.Path, settings))!);
        _children.Add(child);
        return child;
    }
}
