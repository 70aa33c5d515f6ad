using FamilyLinkBot.Resources;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FamilyLinkBot.Tests.EndToEnd;

public sealed class GroupAndRestartTests : IAsyncLifetime
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
    public async Task GroupMessagesGetOneReplyAndStoreNothingButTheGroupIndex()
    {
        await using var bot = await TestBot.StartAsync(_emulator, _folder.Path);
        var user = _emulator.CreateUser(languageCode: "en");
        var group = _emulator.CreateGroup("Family support group");

        _emulator.SendText(user, "/start", group);
        _emulator.SendText(user, "hello", group);
        _emulator.SendText(user, "/register", group);
        await _emulator.WaitUntilAsync(() => _emulator.MessagesIn(group.Id).Any(m => m.IsFromBot), TimeSpan.FromSeconds(10));
        await _emulator.Driver(user).Says("/help"); // a private message after the group ones: all three were handled by now

        var botMessages = _emulator.MessagesIn(group.Id).Where(m => m.IsFromBot).ToList();
        Assert.Single(botMessages);
        Assert.Equal(Texts.Shared.Get(Language.En, "group.private_only"), botMessages[0].Text);
        Assert.Equal(1, await CountAsync(bot.DatabasePath, "silenced_groups"));
        Assert.Equal(1, await CountAsync(bot.DatabasePath, "chats")); // the private chat only
    }

    [Fact]
    public async Task RestartKeepsTheCurrentButtonsLive()
    {
        var user = _emulator.CreateUser();
        var family = _emulator.Driver(user);
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
            await family.Says("/start");
        }

        await using var restarted = await TestBot.StartAsync(_emulator, _folder.Path);
        var menu = await family.Presses("English");

        Assert.Equal(FirstContactTests.Rendered(Texts.Shared.Get(Language.En, "menu.title")), menu.Text);
    }

    [Fact]
    public async Task RestartWithAnotherKeyRefusesToStart()
    {
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
            await _emulator.Driver(_emulator.CreateUser()).Says("/start");
        }

        var otherKey = Path.Combine(_folder.Path, "other.key");
        FamilyLinkBot.Crypto.MasterKeySource.CreateFile(otherKey);

        var error = await Assert.ThrowsAsync<FamilyLinkBot.Hosting.StartupException>(
            () => TestBot.StartAsync(_emulator, _folder.Path, new Dictionary<string, string?> { ["Crypto:MasterKeyPath"] = otherKey }));
        Assert.Contains("does not match", error.Message);
    }

    internal static async Task<long> CountAsync(string databasePath, string table)
    {
        await using var connection = await TestStore.OpenAsync(databasePath);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table};";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
