using FamilyLinkBot.Testing;

namespace FamilyLinkBot.Tests.Support;

/// <summary>
/// A test class's own Bot API emulator and bot (default settings, a temp folder), stopped after its tests with the
/// log-safety net applied, also to the texts the class names in <see cref="SecretTexts"/>.
/// </summary>
public abstract class EmulatedBotTest : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    protected BotApiEmulator Emulator { get; private set; } = null!;

    protected TestBot Bot { get; private set; } = null!;

    /// <summary>Texts the tests type that must never reach a log line (names, places).</summary>
    protected virtual IReadOnlyList<string> SecretTexts => [];

    public async Task InitializeAsync()
    {
        Emulator = await BotApiEmulator.StartAsync();
        Bot = await TestBot.StartAsync(Emulator, _folder.Path);
    }

    /// <summary>Stops the bot and starts it again on the same folder (database and key), as a restart would.</summary>
    protected async Task RestartBotAsync()
    {
        await Bot.DisposeAsync();
        Bot = await TestBot.StartAsync(Emulator, _folder.Path);
    }

    public async Task DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Emulator.DisposeAsync();
        LogSafety.AssertClean(Bot.Logs, Emulator, SecretTexts);
        _folder.Dispose();
    }
}
