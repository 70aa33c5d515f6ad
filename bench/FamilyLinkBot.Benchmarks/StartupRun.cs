using System.Diagnostics;
using FamilyLinkBot.Testing;

namespace FamilyLinkBot.Benchmarks;

/// <summary>docs/DESIGN.md#10-performance-targets: start to first getUpdates (&lt; 2 s) and idle resident memory (&lt; 150 MB).</summary>
public static class StartupRun
{
    public static async Task<int> RunAsync(int runs, int idleSeconds)
    {
        var times = new List<double>();
        double idleRss = 0, idlePeak = 0;
        for (var run = 0; run < runs; run++)
        {
            await using var emulator = await BotApiEmulator.StartAsync();
            var clock = Stopwatch.StartNew();
            // Short polling: the emulator records a request when it is answered, and a long poll is answered only later.
            using var bot = BotProcess.Start(emulator, new Dictionary<string, string> { ["Telegram__PollingTimeoutSeconds"] = "0" });
            await emulator.WaitUntilAsync(() => emulator.Requests.Any(r => r.Method == "getUpdates"), TimeSpan.FromSeconds(30));
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        // Idle: the default long polling, nothing to do, for a while.
        await using (var emulator = await BotApiEmulator.StartAsync())
        {
            using var bot = BotProcess.Start(emulator);
            await emulator.WaitUntilAsync(() => emulator.Requests.Any(r => r.Method == "setMyCommands"), TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
            (idleRss, idlePeak) = bot.Memory();
        }

        times.Sort();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"start to first getUpdates over {runs} runs (first run includes a fresh key and database): " +
            $"median {times[times.Count / 2]:0} ms, min {times[0]:0} ms, max {times[^1]:0} ms (target < 2000 ms)");
        Console.WriteLine($"idle after {idleSeconds} s: resident {idleRss:0.0} MB, peak {idlePeak:0.0} MB (target < 150 MB)");
        return 0;
    }
}
