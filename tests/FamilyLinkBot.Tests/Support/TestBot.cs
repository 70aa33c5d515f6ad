using FamilyLinkBot.Hosting;
using FamilyLinkBot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Tests.Support;

/// <summary>
/// The real bot host (same composition as Program) pointed at a Bot API emulator, with its database and
/// key file in a data folder of the test's, and every log line captured at the most verbose level.
/// </summary>
public sealed class TestBot : IAsyncDisposable
{
    private readonly BotApiEmulator _emulator;
    private readonly string _keyPath;
    private bool _disposed;

    private TestBot(IHost host, string dataFolder, LogSink logs, BotApiEmulator emulator, string keyPath)
    {
        Host = host;
        DataFolder = dataFolder;
        Logs = logs;
        _emulator = emulator;
        _keyPath = keyPath;
    }

    public IHost Host { get; }

    public string DataFolder { get; }

    public LogSink Logs { get; }

    public string DatabasePath => Path.Combine(DataFolder, "bot.db");

    public string KeyPath => Path.Combine(DataFolder, "master.key");

    public T Service<T>()
        where T : notnull => Host.Services.GetRequiredService<T>();

    public static IHost Build(BotApiEmulator emulator, string dataFolder, LogSink logs, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = dataFolder,
            EnvironmentName = "Test",
        });
        var config = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = emulator.Token,
            ["Telegram:ApiBaseUrl"] = emulator.BaseUrl,
            ["Telegram:PollingTimeoutSeconds"] = "1",
            ["Crypto:MasterKeyPath"] = Path.Combine(dataFolder, "master.key"),
            ["News:AllowPrivateAddresses"] = "true", // the tests' feeds are served on 127.0.0.1
        };
        foreach (var (key, value) in TestStore.Settings(dataFolder))
        {
            config[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        // The first-admin setup code is a secret: it never goes to the test output (a test that needs it passes its own writer).
        builder.Services.AddSingleton(new FamilyLinkBot.Caseworkers.SetupCodeConsole(TextWriter.Null));
        builder.AddFamilyLinkBot();
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    public static async Task<TestBot> StartAsync(
        BotApiEmulator emulator, string dataFolder, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var logs = new LogSink();
        var host = Build(emulator, dataFolder, logs, settings, services);
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        var keyPath = settings is not null && settings.TryGetValue("Crypto:MasterKeyPath", out var path) && path is not null
            ? path
            : Path.Combine(dataFolder, "master.key");
        return new TestBot(host, dataFolder, logs, emulator, keyPath);
    }

    /// <summary>Stops the bot, then applies the shared log-safety net to everything it logged (docs/DESIGN.md#2-data-classification).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var dialect = Service<FamilyLinkBot.Storage.Database>().Dialect;
        try
        {
            await Host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            Host.Dispose();
            dialect.ClearPools();
        }

        var key = File.Exists(_keyPath) ? (await File.ReadAllTextAsync(_keyPath)).Trim() : null;
        LogSafety.AssertClean(Logs, _emulator, key is { Length: > 0 } ? [key] : []);
    }
}
