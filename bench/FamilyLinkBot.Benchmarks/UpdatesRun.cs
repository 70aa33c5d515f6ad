using System.Diagnostics;
using FamilyLinkBot.Testing;

namespace FamilyLinkBot.Benchmarks;

/// <summary>
/// docs/DESIGN.md#10-performance-targets: incoming updates handled end to end (poll → state → encrypted store → reply sent) per second, against the
/// loopback emulator. Each update is a /help from a distinct user, so the per-chat send limit is not what is measured.
/// </summary>
public static class UpdatesRun
{
    public static async Task<int> RunAsync(int updates, int users)
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var people = Enumerable.Range(0, users).Select(_ => emulator.CreateUser(languageCode: "en")).ToList();
        using var bot = BotProcess.Start(emulator, new Dictionary<string, string>
        {
            // The bot's own send limit is raised above the offered load (allowed only for a loopback Bot API) so that
            // the pipeline, not the limiter, is measured: at Telegram's 1,000-a-second paid ceiling it could not exceed 1,000.
            ["Delivery__MessagesPerSecond"] = "100000",
        });
        await emulator.WaitUntilAsync(() => emulator.Requests.Any(r => r.Method == "getUpdates"), TimeSpan.FromSeconds(30));

        // Warm-up: a few hundred updates so JIT and the connection pool are ready.
        var warm = Math.Min(500, updates / 10);
        for (var i = 0; i < warm; i++)
        {
            emulator.SendText(people[i % users], "/help");
        }

        while (Sent(emulator) < warm)
        {
            await Task.Delay(50);
        }
        var before = Sent(emulator);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < updates; i++)
        {
            emulator.SendText(people[(warm + i) % users], "/help");
        }

        // Polled every 50 ms rather than on every request: counting the emulator's log is O(n), and this process shares
        // the two cores with the bot.
        var applied = TimeSpan.Zero;
        while (Sent(emulator) - before < updates && clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            if (applied == TimeSpan.Zero && emulator.PendingUpdateCount == 0)
            {
                applied = clock.Elapsed;
            }

            await Task.Delay(50);
        }
        var elapsed = clock.Elapsed;
        var (rss, peak) = bot.Memory();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores (bot, emulator and this driver share them), .NET {Environment.Version}");
        Console.WriteLine($"{updates} updates from {users} users: all fetched by the bot after {applied.TotalSeconds:0.00} s, all replies sent after {elapsed.TotalSeconds:0.00} s");
        Console.WriteLine($"end to end: {updates / elapsed.TotalSeconds:0} updates/s (target ≥ 1000); bot resident {rss:0} MB, peak {peak:0} MB");
        return 0;
    }

    private static int Sent(BotApiEmulator emulator) => emulator.Requests.Count(r => r.Method == "sendMessage" && r.StatusCode == 200);
}
