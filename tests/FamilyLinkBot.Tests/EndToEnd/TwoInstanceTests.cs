using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Telegram;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Delivery;
using FamilyLinkBot.Tests.Support;
using Xunit.Abstractions;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>
/// Two instances on one PostgreSQL database in webhook mode, behind a round-robin pusher that plays Telegram and the
/// load balancer (docs/DESIGN.md#12-scale-out): any instance may receive any update of a chat, and when the instance
/// running a broadcast is killed the other finishes it.
/// </summary>
public sealed class TwoInstanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Secret = "two-instances-secret_0123456789";
    private const string HookPath = "/telegram/hook";
    private const string Announcement = "Border news for every family";
    private const int RecipientCount = 300;
    private const int Rate = 29;

    private readonly TempFolder _folder = new();
    private BotApiEmulator _emulator = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        _folder.Dispose();
    }

    [PostgresStoreFact]
    public async Task FamilyRegistersWithItsUpdatesAlternatingBetweenInstances()
    {
        _emulator = await BotApiEmulator.StartAsync();
        // The first instance starts alone and migrates; the second finds the schema and the key.
        var a = await TestBot.StartAsync(_emulator, _folder.Path, Webhook("http://127.0.0.1:0", "a"));
        var b = await TestBot.StartAsync(_emulator, _folder.Path, Webhook("http://127.0.0.1:0", "b"));
        try
        {
            await using (var pusher = await WebhookPusher.StartAsync(_emulator, [HookOf(a), HookOf(b)], Secret))
            {
                var family = await CaseFlowTests.OnboardAsync(_emulator);
                // Confirm answers with two messages; in a loaded test run the second can come more than 150 ms after the first.
                family.QuietPeriod = TimeSpan.FromSeconds(1);
                await family.Says("/register");
                await family.Presses("Child");
                await family.Says("Mi-rae");
                await family.Presses("Jilin");
                await family.Says("Tumen detention centre");
                var summary = await family.Says("2026-03");
                Assert.Contains("Jilin, Tumen detention centre", summary.Text);
                await family.Presses("Confirm");
                var token = CaseFlowTests.TokenIn(family.LastReply());
                var cases = await family.Says("/cases");

                Assert.NotEmpty(token);
                Assert.Single(_emulator.AllBotMessages, m => m.Text.Contains(token, StringComparison.Ordinal));
                Assert.Contains("Mi-rae", cases.Text);
                Assert.Contains(CaseFlowTests.En("status.reported"), cases.Text);
                // One family talking alone: the round-robin handed its updates to a, b, a, b, …
                var pushed = pusher.PushedTo;
                output.WriteLine($"the family's updates answered by instance a: {pushed[0]}, by b: {pushed[1]}; failed POSTs: {pusher.FailedAttempts}");
                Assert.True(pushed[0] >= 4 && pushed[1] >= 4, $"updates per instance: {pushed[0]} / {pushed[1]}");
                Assert.InRange(pushed[0] - pushed[1], -1, 1);
                Assert.Equal(0, pusher.FailedAttempts);
            }
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
        }

        LogSafety.AssertClean(a.Logs, _emulator, ["Mi-rae", "Tumen detention centre", Secret]);
        LogSafety.AssertClean(b.Logs, _emulator, ["Mi-rae", "Tumen detention centre", Secret]);
    }

    /// <summary>
    /// Both instances are configured for the whole rate, 29/s: the send window is one for both, kept in the database
    /// (docs/DESIGN.md#12-scale-out), so together they never put more than 29 into any second against the emulator's
    /// strict window of 30, and after the kill the survivor sends at the whole rate alone.
    /// </summary>
    [PostgresStoreFact]
    public async Task BroadcastFinishesOnTheOtherInstanceWhenTheOneRunningItIsKilled()
    {
        _emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { StrictWindowMessages = 30, PerChatMessagesPerSecond = 1 });
        var adminUser = _emulator.CreateUser(languageCode: "en");
        var admin = _emulator.Driver(adminUser);
        // A child process answers a button before its edit goes out; under a loaded test run the gap can pass 150 ms,
        // and a freshly started child's first answer can take many seconds on a busy machine.
        admin.QuietPeriod = TimeSpan.FromSeconds(1);
        admin.Timeout = TimeSpan.FromSeconds(60);
        List<EmulatedUser> users;
        await using (var seeding = await TestBot.StartAsync(
            _emulator, _folder.Path, new Dictionary<string, string?> { ["Admins:UserIds:0"] = adminUser.Id.ToString(CultureInfo.InvariantCulture) }))
        {
            await admin.Says("/start");
            await admin.Presses("English");
            users = await Recipients.SeedAsync(_emulator, seeding.Service<Database>(), seeding.Service<ChatStore>(), RecipientCount, Language.En);
        }

        var portA = FreePort();
        var portB = FreePort();
        using var a = new ChildProcess(StartChild(adminUser, portA, "a", rate: Rate));
        await WaitForAsync(() => a.When("This instance now runs broadcast fan-out") is not null, "instance a to take the fan-out role");
        using var b = new ChildProcess(StartChild(adminUser, portB, "b", rate: Rate));
        await _emulator.WaitUntilAsync(() => _emulator.Requests.Count(r => r.Method == "setWebhook") >= 2, TimeSpan.FromSeconds(30));
        await using var pusher = await WebhookPusher.StartAsync(
            _emulator, [$"http://127.0.0.1:{portA}{HookPath}", $"http://127.0.0.1:{portB}{HookPath}"], Secret);

        await admin.Says("/broadcast");
        await admin.Says(Announcement);
        await admin.Presses(CaseFlowTests.En("button.bc_all"));
        await admin.Presses(CaseFlowTests.En("button.bc_send"));
        var started = DateTimeOffset.UtcNow;
        Assert.True(pusher.PushedTo.All(n => n >= 2), "the admin's updates reached both instances");
        await _emulator.WaitUntilAsync(() => Delivered() >= RecipientCount / 3, TimeSpan.FromSeconds(60));

        a.Process.Kill(); // SIGKILL: no shutdown, its connections and its claims simply end
        await a.Process.WaitForExitAsync();
        var killedAt = DateTimeOffset.UtcNow;
        var atKill = Delivered();
        Assert.True(atKill < RecipientCount, "the kill came before the end");

        // The rows a claimed and had not settled at the kill (its sends in flight, at most its MaxInFlight) wait out
        // the 3-minute lease (OutboxStore.ClaimLease); everything else goes out from b meanwhile.
        var stuck = await ClaimedByAsync("a:");
        await _emulator.WaitUntilAsync(
            () => users.Count(u => Recipients.Received(_emulator, u, Announcement) == 0) <= stuck, TimeSpan.FromSeconds(60));
        var restDone = DateTimeOffset.UtcNow;
        await WaitForAsync(() => b.When("This instance now runs broadcast fan-out") is not null, "instance b to take over the fan-out role");
        if (stuck > 0)
        {
            // Three minutes pass for the dead instance's claims: its lease runs out as it would at claimed_until.
            await ExpireClaimsAsync("a:");
        }

        await _emulator.WaitUntilAsync(() => users.All(u => Recipients.Received(_emulator, u, Announcement) >= 1), TimeSpan.FromSeconds(60));
        await WaitForAsync(() => b.When("finished:") is not null, "instance b to finish the broadcast");
        await Task.Delay(1000); // nothing more arrives

        var lost = users.Count(u => Recipients.Received(_emulator, u, Announcement) == 0);
        var duplicated = users.Sum(u => Math.Max(0, Recipients.Received(_emulator, u, Announcement) - 1));
        var resumed = BroadcastSent().Where(m => m.SentAt > killedAt).Min(m => (DateTimeOffset?)m.SentAt) - killedAt;
        var takeover = b.When("This instance now runs broadcast fan-out")!.Value - killedAt;
        output.WriteLine(
            $"{atKill} of {RecipientCount + 1} delivered (the admin is a recipient too) when a was killed, {(killedAt - started).TotalSeconds:0.0} s after Send; " +
            $"b's first send after the kill {resumed?.TotalMilliseconds:0} ms after it; b took the fan-out role {takeover.TotalSeconds:0.0} s after it; " +
            $"all but a's {stuck} claimed row(s) out {(restDone - killedAt).TotalSeconds:0.0} s after it; " +
            $"lost {lost}, duplicated {duplicated}, 429s {_emulator.Count429}, most in one second {_emulator.PeakMessagesInOneSecond}; " +
            $"b: {b.Lines.Single(l => l.Contains("finished:", StringComparison.Ordinal)).Trim()}");
        Assert.Equal(0, lost);
        Assert.Equal(0, _emulator.Count429);
        // A duplicate is a send a had made and not yet recorded when it died: at most its requests in flight, which at
        // 29/s against an answer within milliseconds is one or two.
        Assert.InRange(duplicated, 0, Math.Min(stuck, 2));
        Assert.True(_emulator.PeakMessagesInOneSecond <= Rate, $"{_emulator.PeakMessagesInOneSecond} messages in one second from the two together");
        Assert.True(takeover < TimeSpan.FromSeconds(30), $"the fan-out role was taken over {takeover.TotalSeconds:0.0} s after the kill");
        Assert.Contains($"finished: {RecipientCount + 1} sent, 0 failed", b.Lines.Single(l => l.Contains("finished:", StringComparison.Ordinal)), StringComparison.Ordinal);

        // The children's own log lines (docs/DESIGN.md#2-data-classification): no chat id, no token, no text.
        var secrets = _emulator.Users.Select(u => u.Id.ToString(CultureInfo.InvariantCulture)).Append(_emulator.Token).Append(Announcement).Append(Secret).ToList();
        Assert.All(a.Lines.Concat(b.Lines), line => Assert.DoesNotContain(secrets, s => line.Contains(s, StringComparison.Ordinal)));
    }

    private static Dictionary<string, string?> Webhook(string listenUrl, string instance) => new()
    {
        ["Telegram:Mode"] = "Webhook",
        ["Telegram:WebhookUrl"] = "https://bot.example.org" + HookPath,
        ["Telegram:WebhookSecret"] = Secret,
        ["Telegram:ListenUrl"] = listenUrl,
        ["Delivery:Instance"] = instance,
    };

    private static string HookOf(TestBot bot) => bot.Service<WebhookReceiver>().BoundUrl + HookPath;

    private IEnumerable<BotMessage> BroadcastSent() =>
        _emulator.AllBotMessages.Where(m => m.Text.Contains(Announcement, StringComparison.Ordinal) && !m.Text.Contains("Preview", StringComparison.Ordinal));

    private int Delivered() => BroadcastSent().Count();

    private async Task<int> ClaimedByAsync(string prefix)
    {
        await using var connection = await TestStore.OpenAsync(Path.Combine(_folder.Path, "bot.db"));
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM outbox WHERE state = {(int)OutboxState.Pending} AND claimed_by LIKE '{prefix}%';";
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private async Task ExpireClaimsAsync(string prefix)
    {
        await using var connection = await TestStore.OpenAsync(Path.Combine(_folder.Path, "bot.db"));
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"UPDATE outbox SET claimed_until = {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} WHERE state = {(int)OutboxState.Pending} AND claimed_by LIKE '{prefix}%';";
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The real program as a child process in webhook mode on <paramref name="port"/>, on this test's database and key.</summary>
    private Process StartChild(EmulatedUser admin, int port, string instance, int rate)
    {
        var settings = TestStore.Settings(_folder.Path).Concat(Webhook($"http://127.0.0.1:{port}", instance))
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        settings["Telegram__BotToken"] = _emulator.Token;
        settings["Telegram__ApiBaseUrl"] = _emulator.BaseUrl;
        settings["Crypto__MasterKeyPath"] = Path.Combine(_folder.Path, "master.key");
        settings["Admins__UserIds__0"] = admin.Id.ToString(CultureInfo.InvariantCulture);
        settings["Delivery__MessagesPerSecond"] = rate.ToString(CultureInfo.InvariantCulture);
        settings["Logging__LogLevel__Default"] = "Information";
        return Process.Start(ProgramProcess.StartInfo(_folder.Path, settings))!;
    }
}
