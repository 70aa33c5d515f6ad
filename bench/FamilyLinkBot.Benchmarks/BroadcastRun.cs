using System.Diagnostics;
using System.Globalization;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FamilyLinkBot.Benchmarks;

/// <summary>
/// docs/DESIGN.md#10-performance-targets broadcast: seeds the chats and a running broadcast to all of them with the bot's own services, then starts
/// the real program as a child process, counts each recipient's copies in the emulator, reads the bot's peak resident
/// memory and finally sends it SIGTERM. Exit code 1 when a recipient was missed or served twice.
/// An admin started the broadcast, so the bot also edits the admin's progress message, as in real use: Telegram counts
/// those edits against the same limit. <c>strictWindow</c> makes the emulator count sends and edits in a strict sliding
/// one-second window of that many (no burst allowance) instead of its token buckets; <c>percent502</c> answers that
/// share of sends and edits with 502 Bad Gateway.
/// With <c>postgres</c> the chats are seeded into a fresh <see cref="BenchDatabase"/> on that server and the bot runs on
/// it (docs/DESIGN.md#12-scale-out). With <c>instances</c> ≥ 2 as well, that many <see cref="WebhookInstances"/> share
/// the database and its one send window (each configured with the whole rate), and the one running the fan-out is
/// killed with SIGKILL once <c>killAt</c> of the recipients have their copy (with <c>killWhileClaiming</c>, at the first
/// moment after that when it holds an outbox claim); the others finish the broadcast. Its claimed, unsettled rows wait out
/// their lease (OutboxStore.ClaimLease, 3 minutes) as they would in production without a restart, so when it held any
/// the run lasts that long. Exit code 1 there when a recipient was missed or more were served twice than
/// the killed instance could have had in flight.
/// </summary>
public static class BroadcastRun
{
    private const string Announcement = "Benchmark announcement: rally on Monday";
    private const string FanOutTaken = "This instance now runs broadcast fan-out";

    public static async Task<int> RunAsync(
        int count, int rate, bool paid, bool unlimited, int? strictWindow, double percent502, string? postgres, int instances, double killAt, bool killWhileClaiming)
    {
        if (instances > 1 && postgres is null)
        {
            Console.Error.WriteLine("broadcast --instances N needs --postgres CONN: only PostgreSQL is shared by instances.");
            return 2;
        }

        Console.WriteLine($"{Machine.Describe($"bot(s), emulator, this driver{(postgres is null ? "" : " and the PostgreSQL server")}")}, load average {Machine.LoadAverage()}");
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions
        {
            GlobalMessagesPerSecond = unlimited || strictWindow is not null ? null : 30,
            StrictWindowMessages = unlimited ? null : strictWindow,
            PerChatMessagesPerSecond = unlimited ? null : 1,
            RandomFaults = percent502 > 0 ? new FaultProfile(Rate502: percent502 / 100) : null,
            RequestHistoryLimit = 1000,
        });
        await using var database = postgres is null ? null : await BenchDatabase.CreateAsync(postgres);
        var folder = BotProcess.NewFolder();
        var config = new Dictionary<string, string>
        {
            ["Telegram:BotToken"] = emulator.Token,
            ["Telegram:ApiBaseUrl"] = emulator.BaseUrl,
            ["Storage:ConnectionString"] = database?.ConnectionString ?? "Data Source=" + Path.Combine(folder, "bot.db"),
            ["Crypto:MasterKeyPath"] = Path.Combine(folder, "master.key"),
            ["Delivery:MessagesPerSecond"] = rate.ToString(CultureInfo.InvariantCulture),
            ["Delivery:AllowPaidBroadcast"] = paid ? "true" : "false",
        };
        if (database is not null)
        {
            config["Storage:Provider"] = "PostgreSQL";
        }

        var seedWatch = Stopwatch.StartNew();
        var (users, admin) = await SeedAsync(emulator, config, count);
        Console.WriteLine($"seeded {count} recipients and the broadcast{(database is null ? "" : " into a fresh PostgreSQL database")} in {seedWatch.Elapsed.TotalSeconds:0.0} s");

        var settings = config.ToDictionary(c => c.Key.Replace(":", "__", StringComparison.Ordinal), c => c.Value);
        if (instances > 1)
        {
            // Who holds the fan-out role, and the broadcast's end; every other category stays at Warning.
            settings["Logging__LogLevel__FamilyLinkBot.Storage.SingletonLeases"] = "Information";
            settings["Logging__LogLevel__FamilyLinkBot.Delivery.BroadcastRunner"] = "Information";
        }

        BotProcess? single = null;
        WebhookInstances? hooks = null;
        try
        {
            var run = Stopwatch.StartNew();
            var started = DateTimeOffset.UtcNow;
            Kill? kill = null;
            if (instances > 1)
            {
                hooks = await WebhookInstances.StartAsync(emulator, settings, folder, instances);
                kill = await KillFanOutAsync(emulator, database!, hooks, users, killAt, killWhileClaiming);
            }
            else
            {
                single = BotProcess.Start(emulator, settings, folder);
            }

            while (run.Elapsed < TimeSpan.FromHours(1) && users.Count(u => Copies(emulator, u).Count > 0) < count)
            {
                await Task.Delay(kill is null ? 2000 : 200);
            }

            var survivors = hooks?.Bots.Where((_, i) => i != kill?.Index).ToList() ?? [single!];
            if (kill is not null)
            {
                // The broadcast ends once the last recipient is settled: the survivor that took the role says so. Rows the
                // killed instance claimed keep it running until their lease ends, even when their copies went out before
                // the kill (then they go again: the duplicates a kill can cause), so the run waits that long.
                var until = Stopwatch.StartNew();
                var limit = OutboxStore.ClaimLease + TimeSpan.FromMinutes(1);
                while (until.Elapsed < limit && !survivors.Any(b => b.When("finished:") is not null))
                {
                    await Task.Delay(200);
                }
            }

            await Task.Delay(3000); // anything late (a duplicate) shows up now
            var memory = survivors.Select(b => b.Memory().Peak).ToList();
            var times = new List<DateTimeOffset>(count);
            var firsts = new List<DateTimeOffset>(count);
            var lost = 0;
            var twice = 0;
            long duplicated = 0;
            foreach (var user in users)
            {
                var messages = Copies(emulator, user);
                lost += messages.Count == 0 ? 1 : 0;
                twice += messages.Count > 1 ? 1 : 0;
                duplicated += Math.Max(0, messages.Count - 1);
                times.AddRange(messages.Select(m => m.SentAt));
                firsts.AddRange(messages.Take(1).Select(m => m.SentAt));
            }

            times.Sort();
            firsts.Sort();
            var span = times.Count > 1 ? (times[^1] - times[0]).TotalSeconds : 0;
            var achieved = span > 0 ? (times.Count - 1) / span : 0;
            // Sustained: the middle 80 % of the sends, without the start-up and the last stragglers (a 502's back-off).
            var (from, to) = (times.Count / 10, (times.Count * 9 / 10) - 1);
            var middle = to > from ? (times[to] - times[from]).TotalSeconds : 0;
            var sustained = middle > 0 ? (to - from) / middle : 0;
            var progress = emulator.MessagesIn(admin).Where(m => m.IsFromBot).Sum(m => 1 + m.EditCount);
            var finished = survivors.SelectMany(b => b.Lines).FirstOrDefault(l => l.Contains("finished:", StringComparison.Ordinal))?.Trim();

            var stopWatch = Stopwatch.StartNew();
            var exits = new List<int?>();
            foreach (var bot in survivors)
            {
                exits.Add(await bot.TerminateAsync(TimeSpan.FromSeconds(15)));
            }

            var limits = unlimited ? "unlimited"
                : strictWindow is { } window ? $"strict sliding 1 s window of {window} (sends and edits), 1/s per chat, 429 beyond"
                : "30/s global, 1/s per chat, 429 beyond";
            var store = database is null ? "SQLite" : instances > 1 ? $"PostgreSQL, {instances} webhook instances sharing its send window" : "PostgreSQL";
            Console.WriteLine($"recipients={count} rate={rate}/s paid={paid} store={store} emulator={limits}{(percent502 > 0 ? $", {percent502:0.#}% of sends answered 502" : "")}");
            Console.WriteLine($"sent={times.Count} span={span:0.0}s{(kill is { Claimed: > 0 } ? " (to the re-sends after the claim lease)" : "")} achieved={achieved:0.00}/s ({100 * achieved / rate:0.0}% of {rate}/s) sustained (middle 80%)={sustained:0.00}/s");
            Console.WriteLine($"lost={lost} duplicated={duplicated} (recipients with >1 copy: {twice}) 429s={emulator.Count429} 502s={emulator.Count502} progress message sends+edits={progress} peak sends+edits in any 1 s={emulator.PeakMessagesInOneSecond}");
            if (kill is not null)
            {
                PrintKill(kill, hooks!, survivors, started, firsts, times, count);
                var end = survivors.Select(b => b.When("finished:")).Min();
                Console.WriteLine(end is { } e
                    ? $"broadcast finished {(e - kill.At).TotalSeconds:0.0} s after the kill, {(e - started).TotalSeconds:0.0} s after the first instance started; survivor's log: {finished}"
                    : $"the broadcast did not finish within {(OutboxStore.ClaimLease + TimeSpan.FromMinutes(1)).TotalMinutes:0} minutes of the last copy");
            }

            var peaks = kill is null ? memory.Select(m => $"{m:0.0} MB") : memory.Select(m => $"{m:0.0} MB").Prepend($"{kill.PeakRss:0.0} MB (killed)");
            Console.WriteLine($"bot peak RSS (VmHWM)={string.Join(", ", peaks)}");
            Console.WriteLine($"SIGTERM → exit {string.Join(", ", exits.Select(e => e is { } code ? code.ToString(CultureInfo.InvariantCulture) : "none"))} in {stopWatch.Elapsed.TotalSeconds:0.0} s");
            Console.WriteLine($"load average at the end: {Machine.LoadAverage()}");
            // A kill may duplicate what the killed instance had in flight: OutboxDispatcher.MaxInFlight at this rate.
            var allowedTwice = kill is null ? 0 : Math.Clamp(rate / 4, 4, 32);
            return lost == 0 && duplicated <= allowedTwice ? 0 : 1;
        }
        finally
        {
            single?.Dispose();
            hooks?.Dispose();
        }
    }

    /// <summary>
    /// Waits for the instance that runs the fan-out (the one that logged taking the role) and for <paramref name="fraction"/>
    /// of the recipients to have their copy, then kills it with SIGKILL; with <paramref name="whileClaiming"/> only once
    /// it is also seen holding a claim (a send between its claim and its recorded outcome: the case a kill can duplicate).
    /// </summary>
    private static async Task<Kill> KillFanOutAsync(
        BotApiEmulator emulator, BenchDatabase database, WebhookInstances hooks, List<long> users, double fraction, bool whileClaiming)
    {
        var clock = Stopwatch.StartNew();
        int index;
        while ((index = hooks.Bots.ToList().FindIndex(b => b.When(FanOutTaken) is not null)) < 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("no instance took the broadcast fan-out role in 60 s");
            }

            await Task.Delay(50);
        }

        // Meanwhile the outbox rows each instance is seen holding a claim on (a claim lasts from just before its send to
        // its outcome, so this samples each instance's sends): the Bot API cannot tell which process sent a copy.
        var seen = hooks.Bots.Select(_ => new HashSet<long>()).ToList();
        var victim = hooks.Bots[index];
        var (peak, heldAtLastSample) = (0.0, 0);
        var target = (int)Math.Ceiling(fraction * users.Count);
        while (true)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"{target} recipients did not have their copy in 10 minutes");
            }

            // Cheap checks first, so that a kill follows the sample that found a claim within a millisecond or so.
            var reached = users.Count(u => Copies(emulator, u).Count > 0) >= target;
            peak = victim.Memory().Peak;
            var holding = 0;
            await database.ReadAsync(
                $"SELECT id, claimed_by FROM outbox WHERE state = {(int)OutboxState.Pending} AND claimed_by IS NOT NULL;",
                row =>
                {
                    var claimant = row.GetString(1);
                    var owner = Enumerable.Range(0, seen.Count).FirstOrDefault(i => claimant.StartsWith(WebhookInstances.Name(i) + ":", StringComparison.Ordinal), -1);
                    if (owner >= 0)
                    {
                        seen[owner].Add(row.GetInt64(0));
                        holding += owner == index ? 1 : 0;
                    }
                });
            if (reached && (!whileClaiming || holding > 0))
            {
                await victim.KillAsync();
                heldAtLastSample = holding;
                break;
            }

            // Past the share, a kill while claiming waits for a sample that finds one of its claims, and kills at once.
            await Task.Delay(reached ? 2 : 50);
        }

        var killedAt = DateTimeOffset.UtcNow;
        var served = users.Count(u => Copies(emulator, u).Count > 0);
        // Rows it had claimed and not settled: their lease must run out before another instance may send them.
        var claimed = await database.CountAsync(
            $"SELECT COUNT(*) FROM outbox WHERE state = {(int)OutboxState.Pending} AND claimed_by LIKE '{WebhookInstances.Name(index)}:%';");
        return new Kill(index, killedAt, served, heldAtLastSample, claimed, peak, [.. seen.Select(ids => ids.Count)]);
    }

    private static void PrintKill(
        Kill kill, WebhookInstances hooks, List<BotProcess> survivors, DateTimeOffset started, List<DateTimeOffset> firsts, List<DateTimeOffset> times, int count)
    {
        double After(DateTimeOffset at) => (at - kill.At).TotalSeconds;
        var victim = WebhookInstances.Name(kill.Index);
        var resumed = times.Where(t => t > kill.At).Min(t => (DateTimeOffset?)t);
        var takeover = survivors.Select(b => (Bot: b, At: b.When(FanOutTaken))).Where(x => x.At > kill.At).OrderBy(x => x.At).FirstOrDefault();
        var before = times.Where(t => t <= kill.At).ToList();
        var unclaimedDone = firsts.Count >= count - kill.Claimed && count - kill.Claimed > 0 ? firsts[(int)(count - kill.Claimed) - 1] : (DateTimeOffset?)null;
        var after = unclaimedDone is { } done ? times.Where(t => t > kill.At && t <= done).ToList() : [];
        static double Rate(List<DateTimeOffset> span) => span.Count > 1 ? (span.Count - 1) / (span[^1] - span[0]).TotalSeconds : 0;
        Console.WriteLine(
            $"kill: {victim} ran the fan-out; SIGKILL {(kill.At - started).TotalSeconds:0.0} s after the first instance started, " +
            $"with {kill.Served} of {count} recipients served; it held {kill.Claimed} claimed row(s) with no recorded outcome after it ({kill.HeldAtLastSample} at the last sample before it)");
        Console.WriteLine(
            $"before the kill, rows seen claimed (sampled every ~50 ms, so a lower bound of each one's sends): " +
            string.Join(", ", kill.SeenClaiming.Select((n, i) => $"{WebhookInstances.Name(i)} {n}")));
        Console.WriteLine(
            $"resumed after {(resumed is { } r ? $"{After(r):0.00} s" : "never")} (the first broadcast send after the kill); " +
            $"fan-out role taken by {(takeover.Bot is null ? "none" : WebhookInstances.Name(hooks.Bots.ToList().IndexOf(takeover.Bot)))} " +
            $"{(takeover.At is { } t ? $"{After(t):0.0} s" : "?")} after the kill");
        Console.WriteLine(
            $"rate before the kill {Rate(before):0.00}/s, after it (until all but the claimed rows were out) {Rate(after):0.00}/s; " +
            $"all but the {kill.Claimed} claimed row(s) out {(unclaimedDone is { } u ? $"{After(u):0.0} s" : "?")} after the kill, " +
            $"the last copy {(firsts.Count > 0 ? $"{After(firsts[^1]):0.0} s" : "?")} after it");
        Console.WriteLine($"total: {(firsts.Count > 0 ? (firsts[^1] - started).TotalSeconds : 0):0.0} s from the first instance's start to the last recipient's first copy");
    }

    private static List<BotMessage> Copies(BotApiEmulator emulator, long user) =>
        [.. emulator.MessagesIn(user).Where(m => m.IsFromBot && m.Text.Contains(Announcement, StringComparison.Ordinal))];

    /// <summary>Writes the chats and a running broadcast to all of them with the bot's own services, before the bot starts.</summary>
    private static async Task<(List<long> Users, long Admin)> SeedAsync(BotApiEmulator emulator, Dictionary<string, string> config, int count)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(config.Select(c => new KeyValuePair<string, string?>(c.Key, c.Value)));
        builder.AddFamilyLinkBot();
        using var host = builder.Build();
        await host.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
        await host.Services.GetRequiredService<KeyStore>().InitializeAsync(CancellationToken.None);
        var database = host.Services.GetRequiredService<Database>();
        var chats = host.Services.GetRequiredService<ChatStore>();
        var users = new List<long>(count);
        for (var done = 0; done < count;)
        {
            await using var db = await database.BeginAsync();
            for (var i = 0; i < 5000 && done < count; i++, done++)
            {
                var user = emulator.CreateUser(languageCode: "ko");
                using var chat = await chats.CreateAsync(db, user.ChatId, DateTimeOffset.UtcNow, CancellationToken.None);
                await chats.SetLanguageAsync(db, chat, Language.Ko, CancellationToken.None);
                users.Add(user.ChatId);
            }

            await db.CommitAsync();
        }

        // The admin who started it: the broadcast's audience (all) includes the admin too, as in real use.
        var adminUser = emulator.CreateUser(languageCode: "ko");
        await using (var db = await database.BeginAsync())
        {
            using var adminChat = await chats.CreateAsync(db, adminUser.ChatId, DateTimeOffset.UtcNow, CancellationToken.None);
            await chats.SetLanguageAsync(db, adminChat, Language.Ko, CancellationToken.None);
            var broadcasts = host.Services.GetRequiredService<BroadcastStore>();
            var id = await broadcasts.CreateAsync(db, Announcement, Audience.All, adminChat.Id, DateTimeOffset.UtcNow, CancellationToken.None);
            var item = await host.Services.GetRequiredService<OutboxStore>().EnqueueAsync(db, adminChat, Lane.Interactive, new Conversations.OutgoingMessage { Text = "Broadcast started" }, DateTimeOffset.UtcNow, CancellationToken.None);
            await broadcasts.SetProgressItemAsync(db, id, "progress_item", item, CancellationToken.None);
            await db.CommitAsync();
        }

        return (users, adminUser.ChatId);
    }

    /// <summary>
    /// The killed instance (index in the <see cref="WebhookInstances"/>), when, how many were served then, its claims at
    /// the last sample before the kill and after it, its peak memory, and the rows each instance was seen holding a claim on before.
    /// </summary>
    private sealed record Kill(int Index, DateTimeOffset At, int Served, int HeldAtLastSample, long Claimed, double PeakRss, IReadOnlyList<int> SeenClaiming);
}
