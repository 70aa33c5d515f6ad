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
/// </summary>
public static class BroadcastRun
{
    private const string Announcement = "Benchmark announcement: rally on Monday";

    public static async Task<int> RunAsync(int count, int rate, bool paid, bool unlimited, int? strictWindow, double percent502)
    {
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions
        {
            GlobalMessagesPerSecond = unlimited || strictWindow is not null ? null : 30,
            StrictWindowMessages = unlimited ? null : strictWindow,
            PerChatMessagesPerSecond = unlimited ? null : 1,
            RandomFaults = percent502 > 0 ? new FaultProfile(Rate502: percent502 / 100) : null,
            RequestHistoryLimit = 1000,
        });
        var folder = BotProcess.NewFolder();
        var config = new Dictionary<string, string>
        {
            ["Telegram:BotToken"] = emulator.Token,
            ["Telegram:ApiBaseUrl"] = emulator.BaseUrl,
            ["Storage:ConnectionString"] = "Data Source=" + Path.Combine(folder, "bot.db"),
            ["Crypto:MasterKeyPath"] = Path.Combine(folder, "master.key"),
            ["Delivery:MessagesPerSecond"] = rate.ToString(CultureInfo.InvariantCulture),
            ["Delivery:AllowPaidBroadcast"] = paid ? "true" : "false",
        };

        var seedWatch = Stopwatch.StartNew();
        var (users, admin) = await SeedAsync(emulator, config, count);
        Console.WriteLine($"seeded {count} recipients and the broadcast in {seedWatch.Elapsed.TotalSeconds:0.0} s");

        using var bot = BotProcess.Start(emulator, config.ToDictionary(c => c.Key.Replace(":", "__", StringComparison.Ordinal), c => c.Value), folder);
        var run = Stopwatch.StartNew();
        while (run.Elapsed < TimeSpan.FromHours(1) && users.Count(u => emulator.MessagesIn(u).Count > 0) < count)
        {
            await Task.Delay(2000);
        }

        await Task.Delay(3000); // anything late (a duplicate) shows up now
        var (_, peak) = bot.Memory();
        var times = new List<DateTimeOffset>(count);
        var lost = 0;
        long duplicated = 0;
        foreach (var user in users)
        {
            var messages = emulator.MessagesIn(user).Where(m => m.IsFromBot && m.Text.Contains(Announcement, StringComparison.Ordinal)).ToList();
            lost += messages.Count == 0 ? 1 : 0;
            duplicated += Math.Max(0, messages.Count - 1);
            times.AddRange(messages.Select(m => m.SentAt));
        }

        times.Sort();
        var span = times.Count > 1 ? (times[^1] - times[0]).TotalSeconds : 0;
        var achieved = span > 0 ? (times.Count - 1) / span : 0;
        // Sustained: the middle 80 % of the sends, without the start-up and the last stragglers (a 502's back-off).
        var (from, to) = (times.Count / 10, (times.Count * 9 / 10) - 1);
        var middle = to > from ? (times[to] - times[from]).TotalSeconds : 0;
        var sustained = middle > 0 ? (to - from) / middle : 0;
        var progress = emulator.MessagesIn(admin).Where(m => m.IsFromBot).Sum(m => 1 + m.EditCount);

        var stopWatch = Stopwatch.StartNew();
        var exitCode = await bot.TerminateAsync(TimeSpan.FromSeconds(15));
        var limits = unlimited ? "unlimited"
            : strictWindow is { } window ? $"strict sliding 1 s window of {window} (sends and edits), 1/s per chat, 429 beyond"
            : "30/s global, 1/s per chat, 429 beyond";
        Console.WriteLine($"recipients={count} rate={rate}/s paid={paid} emulator={limits}{(percent502 > 0 ? $", {percent502:0.#}% of sends answered 502" : "")}");
        Console.WriteLine($"sent={times.Count} span={span:0.0}s achieved={achieved:0.00}/s ({100 * achieved / rate:0.0}% of {rate}/s) sustained (middle 80%)={sustained:0.00}/s");
        Console.WriteLine($"lost={lost} duplicated={duplicated} 429s={emulator.Count429} 502s={emulator.Count502} progress message sends+edits={progress} peak sends+edits in any 1 s={emulator.PeakMessagesInOneSecond}");
        Console.WriteLine($"bot peak RSS (VmHWM)={peak:0.0} MB");
        Console.WriteLine($"SIGTERM → exit {(exitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "none")} in {stopWatch.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        return lost == 0 && duplicated == 0 ? 0 : 1;
    }

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
}
