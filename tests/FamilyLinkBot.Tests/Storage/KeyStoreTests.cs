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

    /// <summary>
    /// Four instances starting at once on an empty PostgreSQL database (docs/DESIGN.md#what-may-run-once-and-what-may-run-many-times)
    /// create the key check and index root once: both then derive the same blind indexes. Five fresh databases, so a
    /// race that a lucky schedule hides once shows.
    /// </summary>
    [PostgresFact]
    public async Task FirstStartsAtOnceOnPostgreSqlAgreeOnTheIndexRoot()
    {
        var keyPath = _folder.File("master.key");
        MasterKeySource.CreateFile(keyPath);
        for (var run = 0; run < 5; run++)
        {
            await using var server = await PostgresDatabase.CreateAsync();
            using (var first = new Database(new PostgreSqlDialect(server.ConnectionString)))
            {
                await new Migrator(first).MigrateAsync();
            }

            var databases = Enumerable.Range(0, 4).Select(_ => new Database(new PostgreSqlDialect(server.ConnectionString))).ToList();
            var stores = databases
                .Select(d => new KeyStore(d, new MetaStore(), Options.Create(new CryptoOptions { MasterKeyPath = keyPath }), NullLogger<KeyStore>.Instance))
                .ToList();
            try
            {
                // Connections opened first, so the four start their transactions within a moment of each other.
                await Task.WhenAll(databases.Select(async d => await (await d.OpenAsync()).DisposeAsync()));
                using var start = new Barrier(stores.Count);
                await Task.WhenAll(stores.Select(k => Task.Run(async () =>
                {
                    start.SignalAndWait(TimeSpan.FromSeconds(10));
                    await k.InitializeAsync(CancellationToken.None);
                })));

                Assert.Single(stores.Select(k => Convert.ToHexString(k.Index.ChatIndex(4242))).Distinct());
            }
            finally
            {
                stores.ForEach(k => k.Dispose());
                databases.ForEach(d => d.Dispose());
            }
        }
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
