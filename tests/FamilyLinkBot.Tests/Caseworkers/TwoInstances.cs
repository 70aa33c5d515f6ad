using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Tests.Caseworkers;

/// <summary>
/// Two "processes" on the suite's store (<see cref="TestStore"/>): each with its own <see cref="Database"/> (its own
/// connections and, on SQLite, its own writer queue) and its own key store, over one database with one master key.
/// On PostgreSQL this is how instances behind a load balancer share it; on SQLite the file's one write lock is all
/// they share.
/// </summary>
internal sealed class TwoInstances : IDisposable
{
    private readonly TempFolder _folder;

    private TwoInstances(TempFolder folder, Database a, Database b, KeyStore keysA, KeyStore keysB)
    {
        _folder = folder;
        A = a;
        B = b;
        KeysA = keysA;
        KeysB = keysB;
    }

    public Database A { get; }

    public Database B { get; }

    public KeyStore KeysA { get; }

    public KeyStore KeysB { get; }

    public static async Task<TwoInstances> StartAsync()
    {
        var folder = new TempFolder();
        var a = TestStore.DatabaseFor(folder.Path);
        var b = TestStore.DatabaseFor(folder.Path);
        await new Migrator(a).MigrateAsync();
        var keysA = await KeysAsync(a, folder);
        var keysB = await KeysAsync(b, folder);
        return new TwoInstances(folder, a, b, keysA, keysB);
    }

    /// <summary>A chat row, made on instance A, committed.</summary>
    public async Task<ChatRecord> NewChatAsync(long telegramChatId)
    {
        await using var db = await A.BeginAsync();
        var chat = await new ChatStore(KeysA).CreateAsync(db, telegramChatId, DateTimeOffset.UnixEpoch, CancellationToken.None);
        await db.CommitAsync();
        return chat;
    }

    public void Dispose()
    {
        KeysA.Dispose();
        KeysB.Dispose();
        A.Dialect.ClearPools();
        B.Dialect.ClearPools();
        A.Dispose();
        B.Dispose();
        _folder.Dispose();
    }

    private static async Task<KeyStore> KeysAsync(Database database, TempFolder folder)
    {
        var keys = new KeyStore(database, new MetaStore(), Options.Create(new CryptoOptions { MasterKeyPath = folder.File("master.key") }), NullLogger<KeyStore>.Instance);
        await keys.InitializeAsync(CancellationToken.None);
        return keys;
    }
}
