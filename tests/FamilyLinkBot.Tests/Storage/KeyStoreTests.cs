using FamilyLinkBot.Crypto;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Tests.Storage;

public sealed class KeyStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task StartOnEmptyFolderCreatesKeyWithMode0600()
    {
        using var keys = await OpenAsync(_folder.File("master.key"));

        var mode = File.GetUnixFileMode(_folder.File("master.key"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.True(keys.IsLoaded);
    }

    [Fact]
    public async Task RestartWithSameKeyLoads()
    {
        (await OpenAsync(_folder.File("master.key"))).Dispose();

        using var again = await OpenAsync(_folder.File("master.key"));

        Assert.True(again.IsLoaded);
    }

    [Fact]
    public async Task RestartWithDifferentKeyRefuses()
    {
        (await OpenAsync(_folder.File("master.key"))).Dispose();
        MasterKeySource.CreateFile(_folder.File("other.key"));

        var error = await Assert.ThrowsAsync<StartupException>(() => OpenAsync(_folder.File("other.key")));

        Assert.Contains("does not match", error.Message);
    }

    [Fact]
    public async Task RestartWithKeyDeletedRefusesAndMakesNoNewKey()
    {
        (await OpenAsync(_folder.File("master.key"))).Dispose();
        File.Delete(_folder.File("master.key"));

        var error = await Assert.ThrowsAsync<StartupException>(() => OpenAsync(_folder.File("master.key")));

        Assert.Contains("no master key", error.Message);
        Assert.False(File.Exists(_folder.File("master.key")));
    }

    [Fact]
    public async Task KeyCheckValueIsStoredNotTheKey()
    {
        (await OpenAsync(_folder.File("master.key"))).Dispose();
        var key = Convert.FromBase64String(File.ReadAllText(_folder.File("master.key")).Trim());

        var database = await File.ReadAllBytesAsync(_folder.File("bot.db"));
        var wal = File.Exists(_folder.File("bot.db-wal")) ? await File.ReadAllBytesAsync(_folder.File("bot.db-wal")) : [];

        Assert.Equal(-1, database.AsSpan().IndexOf(key));
        Assert.Equal(-1, wal.AsSpan().IndexOf(key));
    }

    private async Task<KeyStore> OpenAsync(string keyPath)
    {
        var database = new Database($"Data Source={_folder.File("bot.db")}");
        await new Migrator(database).MigrateAsync();
        var keys = new KeyStore(database, new MetaStore(), Options.Create(new CryptoOptions { MasterKeyPath = keyPath }), NullLogger<KeyStore>.Instance);
        try
        {
            await keys.InitializeAsync(CancellationToken.None);
            return keys;
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }
}
