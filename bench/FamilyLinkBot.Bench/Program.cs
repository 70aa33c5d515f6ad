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

namespace FamilyLinkBot.Bench;

/// <summary>
/// Load runs against the Bot API emulator (SPEC §10). The bot is the real program, started as a child process
/// (dotnet exec FamilyLinkBot.dll), so its peak resident memory (VmHWM) is its own, not the emulator's.
///   broadcast --recipients N [--rate R] [--paid] [--unlimited]
/// </summary>
public static class Program
{
    private const string Announcement = "Benchmark announcement: rally on Monday";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "broadcast")
        {
            await Console.Error.WriteLineAsync("usage: broadcast --recipients N [--rate R] [--paid] [--unlimited]");
            return 2;
        }

        var recipients = int.Parse(Option(args, "--recipients") ?? "10000", CultureInfo.InvariantCulture);
        var rate = int.Parse(Option(args, "--rate") ?? "25", CultureInfo.InvariantCulture);
        var paid = args.Contains("--paid");
        var unlimited = args.Contains("--unlimited");
        return await BroadcastAsync(recipients, rate, paid, unlimited);
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static async Task<int> BroadcastAsync(int count, int rate, bool paid, bool unlimited)
    {
        var folder = Directory.CreateTempSubdirectory("familylink-bench-").FullName;
        try
        {
            await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions
            {
                GlobalMessagesPerSecond = unlimited ? null : 30,
                PerChatMessagesPerSecond = unlimited ? null : 1,
                RequestHistoryLimit = 1000,
            });
            var config = new Dictionary<string, string?>
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

            using var bot = StartBot(config);
            var run = Stopwatch.StartNew();
            var delivered = 0;
            while (run.Elapsed < TimeSpan.FromHours(1))
            {
                await Task.Delay(2000);
                delivered = users.Count(u => emulator.MessagesIn(u).Count > 0);
                if (delivered >= count)
                {
                    break;
                }
            }

            await Task.Delay(3000); // anything late (a duplicate) shows up now
            var peakKb = PeakResidentKb(bot.Id);
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
            using (var term = Process.Start("kill", ["-TERM", bot.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            var exited = bot.WaitForExit(15_000);
            Console.WriteLine($"recipients={count} rate={rate}/s paid={paid} emulator={(unlimited ? "unlimited" : "30/s global, 1/s per chat, 429 beyond")}");
            Console.WriteLine($"sent={times.Count} span={span:0.0}s achieved={achieved:0.00}/s ({100 * achieved / rate:0.0}% of {rate}/s)");
            Console.WriteLine($"lost={lost} duplicated={duplicated} 429s={emulator.Count429}");
            Console.WriteLine($"bot peak RSS (VmHWM)={peakKb / 1024.0:0.0} MB");
            Console.WriteLine($"SIGTERM → exit {(exited ? bot.ExitCode.ToString(CultureInfo.InvariantCulture) : "none")} in {stopWatch.Elapsed.TotalSeconds:0.0} s");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            return lost == 0 && duplicated == 0 ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Writes the chats and a running broadcast to all of them with the bot's own services, before the bot starts.</summary>
    private static async Task<List<long>> SeedAsync(BotApiEmulator emulator, Dictionary<string, string?> config, int count)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(config);
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

    private static Process StartBot(Dictionary<string, string?> config)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FamilyLinkBot.dll"));
        foreach (var (key, value) in config)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Peak resident set size of a process in kB, from /proc/PID/status (Linux).</summary>
    private static long PeakResidentKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
