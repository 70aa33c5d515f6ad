using System.Diagnostics;
using System.Globalization;
using FamilyLinkBot.Testing;

namespace FamilyLinkBot.Benchmarks;

/// <summary>
/// docs/DESIGN.md#10-performance-targets: incoming updates handled end to end (receive → state → encrypted store →
/// reply sent) per second, against the loopback emulator. Each update is a /help from a distinct user, so the per-chat
/// send limit is not what is measured. By default one bot polls a SQLite file. With <c>--postgres CONN</c> each run gets a
/// fresh database on that server (docs/DESIGN.md#12-scale-out): one instance polls; with <c>--instances N</c> (N ≥ 2)
/// the same load then goes through a round-robin <see cref="WebhookPusher"/> to one webhook instance and to N, and the
/// ratios to the one-instance runs are printed.
/// </summary>
public static class UpdatesRun
{
    public static async Task<int> RunAsync(int updates, int users, string? postgres, int instances)
    {
        Console.WriteLine($"{Machine.Describe($"bot(s), emulator, this driver{(postgres is null ? "" : " and the PostgreSQL server")}")}, load average {Machine.LoadAverage()}");
        if (postgres is null)
        {
            Print("SQLite, 1 instance, polling", await MeasureAsync(updates, users, null, 0));
            return 0;
        }

        var polling = await MeasureAsync(updates, users, postgres, 0);
        Print("PostgreSQL, 1 instance, polling", polling);
        if (instances < 2)
        {
            return 0;
        }

        var oneHook = await MeasureAsync(updates, users, postgres, 1);
        Print("PostgreSQL, 1 instance, webhook", oneHook);
        var many = await MeasureAsync(updates, users, postgres, instances);
        Print($"PostgreSQL, {instances} instances, webhook, round-robin", many);
        Console.WriteLine($"{instances} instances / 1 instance: {many.PerSecond / polling.PerSecond:0.00} of the polling run, {many.PerSecond / oneHook.PerSecond:0.00} of the one-instance webhook run (target ≥ 0.90)");
        Console.WriteLine($"load average after the runs: {Machine.LoadAverage()}");
        return 0;
    }

    /// <summary>One run: a fresh emulator and store; <paramref name="webhooks"/> = 0 polls, otherwise that many webhook instances.</summary>
    private static async Task<Figures> MeasureAsync(int updates, int users, string? postgres, int webhooks)
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        await using var database = postgres is null ? null : await BenchDatabase.CreateAsync(postgres);
        var people = Enumerable.Range(0, users).Select(_ => emulator.CreateUser(languageCode: "en")).ToList();
        var folder = BotProcess.NewFolder();
        var settings = new Dictionary<string, string>
        {
            // The bot's own send limit is raised above the offered load (allowed only for a loopback Bot API) so that
            // the pipeline, not the limiter, is measured: at Telegram's 1,000-a-second paid ceiling it could not exceed 1,000.
            ["Delivery__MessagesPerSecond"] = "100000",
        };
        if (database is not null)
        {
            settings["Storage__Provider"] = "PostgreSQL";
            settings["Storage__ConnectionString"] = database.ConnectionString;
        }

        BotProcess? polling = null;
        WebhookInstances? hooks = null;
        WebhookPusher? pusher = null;
        try
        {
            if (webhooks == 0)
            {
                polling = BotProcess.Start(emulator, settings, folder);
                await emulator.WaitUntilAsync(() => emulator.Requests.Any(r => r.Method == "getUpdates"), TimeSpan.FromSeconds(60));
            }
            else
            {
                hooks = await WebhookInstances.StartAsync(emulator, settings, folder, webhooks);
                pusher = await WebhookPusher.StartAsync(emulator, hooks.Hooks, WebhookInstances.Secret);
            }

            // Warm-up: a few hundred updates so JIT and the connection pools are ready.
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

            // Polled every 50 ms rather than on every request: counting the emulator's log is O(n), and this process
            // shares the cores with the bot.
            var applied = TimeSpan.Zero;
            while (Sent(emulator) - before < updates && clock.Elapsed < TimeSpan.FromMinutes(10))
            {
                if (applied == TimeSpan.Zero && (pusher is null ? emulator.PendingUpdateCount == 0 : pusher.Pushed >= warm + updates))
                {
                    applied = clock.Elapsed;
                }

                await Task.Delay(50);
            }

            var elapsed = clock.Elapsed;
            if (applied == TimeSpan.Zero)
            {
                applied = elapsed; // the last update was stored within the same 50 ms as the last reply went
            }

            return new Figures(
                updates, users, applied, elapsed, updates / elapsed.TotalSeconds,
                [.. (hooks?.Bots ?? [polling!]).Select(b => b.Memory())], pusher?.PushedTo ?? [], pusher?.FailedAttempts ?? 0);
        }
        finally
        {
            if (pusher is not null)
            {
                await pusher.DisposeAsync();
            }

            polling?.Dispose();
            hooks?.Dispose();
        }
    }

    private static void Print(string what, Figures f)
    {
        var memory = string.Join(", ", f.Memory.Select(m => $"{m.Rss:0} MB (peak {m.Peak:0})"));
        var spread = f.PushedTo.Count > 0 ? $"; pushed per instance {string.Join(" / ", f.PushedTo)}, {f.FailedPushes} failed POSTs" : "";
        Console.WriteLine($"{what}: {f.Updates} updates from {f.Users} users: all {(f.PushedTo.Count > 0 ? "applied (answered 200)" : "fetched by the bot")} after {f.Applied.TotalSeconds:0.00} s, all replies sent after {f.Elapsed.TotalSeconds:0.00} s");
        Console.WriteLine($"  end to end: {f.PerSecond:0} updates/s (target ≥ 1000); bot resident {memory}{spread}");
    }

    private static int Sent(BotApiEmulator emulator) => emulator.Requests.Count(r => r.Method == "sendMessage" && r.StatusCode == 200);

    private sealed record Figures(
        int Updates, int Users, TimeSpan Applied, TimeSpan Elapsed, double PerSecond,
        IReadOnlyList<(double Rss, double Peak)> Memory, IReadOnlyList<int> PushedTo, int FailedPushes);
}
