using System.Net;
using System.Net.Sockets;
using FamilyLinkBot.Testing;

namespace FamilyLinkBot.Benchmarks;

/// <summary>
/// N instances of the real bot in webhook mode on one PostgreSQL database (docs/DESIGN.md#12-scale-out), as the
/// two-instance end-to-end tests start them: each listens on a free loopback port under its own
/// <c>Delivery:Instance</c> name (<see cref="Name"/>); all share one data folder, so one master key. The first starts
/// alone and migrates (docs/DESIGN.md#what-may-run-once-and-what-may-run-many-times); each next one once the previous
/// has set its webhook. Nothing pushes to them: a <see cref="WebhookPusher"/> on <see cref="Hooks"/> plays Telegram
/// where a run needs updates.
/// </summary>
public sealed class WebhookInstances : IDisposable
{
    public const string Secret = "bench-webhook-secret_0123456789";

    private readonly List<BotProcess> _bots = [];
    private readonly List<string> _hooks = [];

    private WebhookInstances()
    {
    }

    public IReadOnlyList<BotProcess> Bots => _bots;

    /// <summary>Each instance's webhook URL on loopback, in the order of <see cref="Bots"/>.</summary>
    public IReadOnlyList<string> Hooks => _hooks;

    /// <summary>The <c>Delivery:Instance</c> name of the instance at <paramref name="index"/>, the prefix of its outbox claims.</summary>
    public static string Name(int index) => $"bench-{index + 1}";

    /// <summary>Starts <paramref name="count"/> instances with <paramref name="settings"/> (environment variables) in <paramref name="folder"/>.</summary>
    public static async Task<WebhookInstances> StartAsync(BotApiEmulator emulator, IReadOnlyDictionary<string, string> settings, string folder, int count)
    {
        var instances = new WebhookInstances();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var port = FreePort();
                instances._bots.Add(BotProcess.Start(emulator, new Dictionary<string, string>(settings)
                {
                    ["Telegram__Mode"] = "Webhook",
                    ["Telegram__WebhookUrl"] = "https://bench.example.org/hook",
                    ["Telegram__WebhookSecret"] = Secret,
                    ["Telegram__ListenUrl"] = $"http://127.0.0.1:{port}",
                    ["Delivery__Instance"] = Name(i),
                }, folder));
                instances._hooks.Add($"http://127.0.0.1:{port}/hook");
                var before = i;
                await emulator.WaitUntilAsync(() => emulator.Requests.Count(r => r.Method == "setWebhook") > before, TimeSpan.FromSeconds(60));
            }

            return instances;
        }
        catch
        {
            instances.Dispose();
            throw;
        }
    }

    /// <summary>Kills those still running; each deletes the shared folder (the later ones find it gone).</summary>
    public void Dispose()
    {
        foreach (var bot in _bots)
        {
            bot.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
