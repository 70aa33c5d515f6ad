using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Sandbox;

/// <summary>
/// docs/DESIGN.md#11-sandbox: the real bot host (same composition, database, crypto and delivery) pointed at the built-in Bot
/// API emulator on 127.0.0.1, three emulated people, and the local page that lets a person play all three.
/// Nothing of a real deployment's configuration is read: no token, no feeds, no key.
/// </summary>
public sealed partial class SandboxHost : IAsyncDisposable
{
    private readonly SandboxState _state;
    private IHost? _bot;
    private WebApplication? _web;
    private ILogger? _logger;
    private int _disposed;

    private SandboxHost(string dataFolder, SandboxState state, BotApiEmulator emulator, IReadOnlyList<SandboxPane> panes)
    {
        DataFolder = dataFolder;
        _state = state;
        Emulator = emulator;
        Panes = panes;
    }

    /// <summary>The sandbox's data folder (absolute).</summary>
    public string DataFolder { get; }

    public BotApiEmulator Emulator { get; }

    public SampleFeed Feed { get; } = new(TimeProvider.System);

    public IReadOnlyList<SandboxPane> Panes { get; }

    /// <summary>The bot: the same host as <c>dotnet run</c> builds, with sandbox settings.</summary>
    public IHost Bot => _bot ?? throw new InvalidOperationException("The sandbox has not started.");

    /// <summary>The page, e.g. http://127.0.0.1:5080/.</summary>
    public Uri PageUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The host of every HTTP request the bot made, in order (see <see cref="LoopbackOnlyHandler"/>).</summary>
    public ConcurrentQueue<string> OutboundHosts { get; } = new();

    /// <summary>The bot's commands (without the slash), so the page and the tests can tell which flows exist.</summary>
    public IReadOnlyList<string> Commands { get; private set; } = [];

    /// <summary>The configuration the bot was started with (for tests: no value may name Telegram's servers).</summary>
    public IReadOnlyDictionary<string, string?> BotSettings { get; private set; } = new Dictionary<string, string?>();

    public SandboxPane? FindPane(string id) => Panes.FirstOrDefault(p => p.Id == id);

    /// <summary>
    /// Starts the emulator, the page and the bot. <paramref name="settings"/> are extra configuration for the bot
    /// (e.g. from the command line); the sandbox's own keys (token, API URL, storage, key, admins, feeds) win.
    /// </summary>
    public static async Task<SandboxHost> StartAsync(
        SandboxOptions options,
        IDictionary<string, string?>? settings = null,
        Action<ILoggingBuilder>? logging = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (address, port, error) = options.ParseListenUrl();
        if (error is not null)
        {
            throw new StartupException(error);
        }

        var dataFolder = Path.GetFullPath(options.DataFolder);
        Directory.CreateDirectory(dataFolder);
        var state = SandboxState.Load(dataFolder);
        var firstUpdateId = state.NextUpdateId is > 0 and < int.MaxValue - (2 * SandboxState.UpdateIdBlock) ? state.NextUpdateId : 1;
        state.NextUpdateId = firstUpdateId + SandboxState.UpdateIdBlock;
        state.Save(dataFolder);

        var emulator = await BotApiEmulator.StartAsync(
            new BotApiEmulatorOptions { FirstUpdateId = firstUpdateId, BotUsername = "FamilyLinkSandboxBot", RequestHistoryLimit = 10_000 },
            cancellationToken);
        SandboxPane[] panes =
        [
            new("family", emulator.CreateUser(SandboxUsers.FamilyId, "Family", "ko")),
            new("caseworker", emulator.CreateUser(SandboxUsers.CaseworkerId, "Caseworker", "ko")),
            new("admin", emulator.CreateUser(SandboxUsers.AdminId, "Admin", "ko")),
        ];
        var sandbox = new SandboxHost(dataFolder, state, emulator, panes);
        try
        {
            await sandbox.StartWebAsync(address!, port, cancellationToken);
            await sandbox.StartBotAsync(settings, logging ?? DefaultLogging, cancellationToken);
            await sandbox.JoinCaseworkerAsync(cancellationToken);
            return sandbox;
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (_bot is not null)
            {
                var dialect = _bot.Services.GetRequiredService<Storage.Database>().Dialect;
                try
                {
                    await _bot.StopAsync(TimeSpan.FromSeconds(10));
                }
                finally
                {
                    _bot.Dispose();
                    dialect.ClearPools();
                }
            }

            _state.NextUpdateId = Emulator.NextUpdateId;
            _state.Save(DataFolder);
        }
        finally
        {
            if (_web is not null)
            {
                using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await _web.StopAsync(stopTimeout.Token);
                await _web.DisposeAsync();
            }

            await Emulator.DisposeAsync();
        }
    }

    internal static void DefaultLogging(ILoggingBuilder logging)
    {
        logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning);
    }

    private async Task StartWebAsync(System.Net.IPAddress address, int port, CancellationToken cancellationToken)
    {
        _web = SandboxWebApp.Build(this, address, port);
        await _web.StartAsync(cancellationToken);
        var url = _web.Urls.First();
        PageUrl = new Uri(url.EndsWith('/') ? url : url + "/");
    }

    private async Task StartBotAsync(IDictionary<string, string?>? settings, Action<ILoggingBuilder> logging, CancellationToken cancellationToken)
    {
        // No defaults: a real deployment's appsettings.json, environment variables and user secrets must not
        // leak into the sandbox (its token, its feeds, its key), nor the sandbox's data into it.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = DataFolder,
            EnvironmentName = "Sandbox",
            ApplicationName = typeof(Program).Assembly.GetName().Name,
        });
        var config = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>(), StringComparer.OrdinalIgnoreCase)
        {
            ["Telegram:BotToken"] = Emulator.Token,
            ["Telegram:ApiBaseUrl"] = Emulator.BaseUrl,
            ["Telegram:Mode"] = "Polling",
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(DataFolder, "familylinkbot.db")}",
            ["Crypto:MasterKeyPath"] = Path.Combine(DataFolder, "master.key"),
            ["Crypto:MasterKey"] = "",
            ["Admins:UserIds:0"] = SandboxUsers.AdminId.ToString(CultureInfo.InvariantCulture),
            // Read by the news alerts (docs/DESIGN.md#7-news-alerts) once they are part of the bot; harmless before.
            ["News:Feeds:0:Name"] = "Sandbox sample news",
            ["News:Feeds:0:Url"] = new Uri(PageUrl, "sample-feed.xml").ToString(),
            ["News:PollInterval"] = "00:01:00",
            ["News:AllowPrivateAddresses"] = "true", // its own sample feed is on loopback; LoopbackOnlyHandler keeps it there
        };
        foreach (var key in config.Keys.Where(k => k.StartsWith("News:Feeds:", StringComparison.OrdinalIgnoreCase) && !k.StartsWith("News:Feeds:0:", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            config.Remove(key);
        }

        BotSettings = config;
        builder.Configuration.AddInMemoryCollection(config);
        logging(builder.Logging);
        builder.AddFamilyLinkBot();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(() => new LoopbackOnlyHandler(OutboundHosts)));
        // LoopbackOnlyHandler sees only the first request: a redirect followed below it would leave loopback unseen. So no
        // client of the sandboxed bot follows redirects (applied after every client's own primary-handler setup).
        builder.Services.PostConfigureAll<Microsoft.Extensions.Http.HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b =>
        {
            switch (b.PrimaryHandler)
            {
                case SocketsHttpHandler sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler handler:
                    handler.AllowAutoRedirect = false;
                    break;
            }
        }));
        _bot = builder.Build();
        _logger = _bot.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FamilyLinkBot.Sandbox");
        Commands = [.. _bot.Services.GetServices<IBotCommand>().Select(c => c.Name).Order(StringComparer.Ordinal)];
        await _bot.StartAsync(cancellationToken);
    }

    // The caseworker pane starts as a caseworker: the admin pane asks the real bot for an invite and the caseworker
    // pane redeems it, both through the emulator. Only when the bot has invites (docs/DESIGN.md#43-caseworkers) and only once per folder.
    private async Task JoinCaseworkerAsync(CancellationToken cancellationToken)
    {
        if (_state.CaseworkerJoined || !Commands.Contains("invite") || !Commands.Contains("join"))
        {
            return;
        }

        try
        {
            var admin = Emulator.Driver(FindPane("admin")!.User);
            var caseworker = Emulator.Driver(FindPane("caseworker")!.User);
            admin.Timeout = caseworker.Timeout = TimeSpan.FromSeconds(15);
            var invite = await admin.Says("/invite");
            var code = JoinCode().Match(invite.Text);
            if (!code.Success)
            {
                _logger?.LogWarning("Sandbox: the bot's answer to /invite held no /join code; the caseworker pane has not joined.");
                return;
            }

            await caseworker.Says("/join " + code.Groups[1].Value);
            cancellationToken.ThrowIfCancellationRequested();
            _state.CaseworkerJoined = true;
            _state.Save(DataFolder);
            _logger?.LogInformation("Sandbox: the caseworker pane joined with an invite from the admin pane.");
        }
        catch (TimeoutException)
        {
            _logger?.LogWarning("Sandbox: the bot did not answer /invite or /join in time; the caseworker pane has not joined.");
        }
    }

    [GeneratedRegex(@"/join\s+([A-Za-z0-9-]+)")]
    private static partial Regex JoinCode();
}
