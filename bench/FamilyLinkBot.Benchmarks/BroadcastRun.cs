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
/// SPEC §10 broadcast: seeds the chats and a running broadcast to all of them with the bot's own services, then starts
/// the real program as a child process, counts each recipient's copies in the emulator, reads the bot's peak resident
/// memory and finally sends it SIGTERM. Exit code 1 when a recipient was missed or served twice.
/// </summary>
public static class BroadcastRun
{
    private const string Announcement = "Benchmark announcement: rally on Monday";

    public static async Task<int> RunAsync(int count, int rate, bool paid, bool unlimited)
    {
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions
        {
            GlobalMessagesPerSecond = unlimited ? null : 30,
            PerChatMessagesPerSecond = unlimited ? null : 1,
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
        var users = await SeedAsync(emulator, config, count);
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

        var stopWatch = Stopwatch.StartNew();
        var exitCode = await bot.TerminateAsync(TimeSpan.FromSeconds(15));
        Console.WriteLine($"recipients={count} rate={rate}/s paid={paid} emulator={(unlimited ? "unlimited" : "30/s global, 1/s per chat, 429 beyond")}");
        Console.WriteLine($"sent={times.Count} span={span:0.0}s achieved={achieved:0.00}/s ({100 * achieved / rate:0.0}% of {rate}/s)");
        Console.WriteLine($"lost={lost} duplicated={duplicated} 429s={emulator.Count429}");
        Console.WriteLine($"bot peak RSS (VmHWM)={peak:0.0} MB");
        Console.WriteLine($"SIGTERM → exit {(exitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "none")} in {stopWatch.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        return lost == 0 && duplicated == 0 ? 0 : 1;
    }

    /// <summary>Writes the chats and a running broadcast to all of them with the bot's own services, before the bot starts.</summary>
    private static async Task<List<long>> SeedAsync(BotApiEmulator emulator, Dictionary<string, string> config, int count)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(config.Select(c => new KeyValuePair<string, string?>(c.Key, c.Value)));
        builder.AddFamilyLinkBot();
        using var host = builder.Build();
        await host.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
        await host.Services.GetRequiredService<KeyStore>().InitializeAsync(CancellationToken.None);
        var database = host.Services.GetRequiredService<Database>();
        var chats = host.Services.GetRequiredService<ChatRepository>();
        var users = new List<long>(count);
        for (var done = 0; done < count;)
        {
            await using var db = await database.BeginAsync();
            for (var i = 0; i < 5000 && done < count; i++, done++)
            {
                var user = emulator.CreateUser(languageCode: "ko");
                using var chat = await chats.CreateAsync(db, user.ChatId, DateTimeOffset.UtcNow, CancellationToken.None);
                await ChatRepository.SetLanguageAsync(db, chat, Language.Ko, CancellationToken.None);
                users.Add(user.ChatId);
            }

            await db.CommitAsync();
        }

        await using (var db = await database.BeginAsync())
        {
            await host.Services.GetRequiredService<BroadcastStore>().CreateAsync(db, Announcement, Audience.All, null, DateTimeOffset.UtcNow, CancellationToken.None);
            await db.CommitAsync();
        }

        return users;
    }
}
