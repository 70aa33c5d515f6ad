using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>docs/DESIGN.md#1-who-it-serves-and-against-whom adversary 1: the database, its WAL and the logs hold no Telegram id in any plain form.</summary>
public sealed class DataAtRestTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private BotApiEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await BotApiEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task DatabaseWalAndLogsHoldNoChatIds()
    {
        var users = Enumerable.Range(0, 4).Select(i => _emulator.CreateUser(firstName: "Chul-su" + i, languageCode: i % 2 == 0 ? "ko" : "en")).ToList();
        LogSink logs;
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
            logs = bot.Logs;
            foreach (var user in users)
            {
                var family = _emulator.Driver(user);
                await family.Says("/start");
                await family.Presses("English");
                await family.Says("/help");
                await family.Says("/language");
            }

            // Scan while the bot runs (the WAL is full), and again after it stopped.
            FileScan.AssertNoneOf(FileScan.DatabaseFiles(bot.DatabasePath), FileScan.ChatIdForms(users.Select(u => u.Id)));
        }

        FileScan.AssertNoneOf(FileScan.DatabaseFiles(Path.Combine(_folder.Path, "bot.db")), FileScan.ChatIdForms(users.Select(u => u.Id)));
        LogSafety.AssertClean(logs, _emulator);
    }
}
