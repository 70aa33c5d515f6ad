using FamilyLinkBot.Cases;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Tests.Cases;

/// <summary>Case tokens as stored: only keyed hashes, found only by the exact token, dead once rotated.</summary>
public sealed class CaseTokenStoreTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private Database _database = null!;
    private KeyStore _keys = null!;
    private CaseStore _cases = null!;

    public async Task InitializeAsync()
    {
        _database = TestStore.DatabaseFor(_folder.Path);
        await new Migrator(_database).MigrateAsync();
        _keys = new KeyStore(_database, new MetaStore(), Options.Create(new CryptoOptions { MasterKeyPath = _folder.File("master.key") }), NullLogger<KeyStore>.Instance);
        await _keys.InitializeAsync(CancellationToken.None);
        _cases = new CaseStore(_keys);
    }

    public Task DisposeAsync()
    {
        _keys.Dispose();
        _database.Dialect.ClearPools();
        _database.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    private static CaseDetails Details => new() { Relation = "child", Alias = "Mi-rae", Region = "jilin" };

    [Fact]
    public async Task TenThousandRandomTokensNeverMatchAnExistingCase()
    {
        CaseToken real;
        await using (var db = await _database.BeginAsync())
        {
            using var family = await new ChatStore(_keys).CreateAsync(db, 5_000_000_001, DateTimeOffset.UtcNow, CancellationToken.None);
            (_, real) = await _cases.CreateAsync(db, family, Details, DateTimeOffset.UtcNow, CancellationToken.None);
            await db.CommitAsync();
        }

        await using var read = await _database.BeginAsync();
        Assert.NotNull(await _cases.FindByTokenAsync(read, real, CancellationToken.None));
        for (var i = 0; i < 10_000; i++)
        {
            Assert.Null(await _cases.FindByTokenAsync(read, CaseToken.NewToken(), CancellationToken.None));
        }
    }

    [Fact]
    public async Task TokenIsFoundFromAnyWayOfTypingIt()
    {
        CaseToken real;
        await using (var db = await _database.BeginAsync())
        {
            using var family = await new ChatStore(_keys).CreateAsync(db, 5_000_000_002, DateTimeOffset.UtcNow, CancellationToken.None);
            (_, real) = await _cases.CreateAsync(db, family, Details, DateTimeOffset.UtcNow, CancellationToken.None);
            await db.CommitAsync();
        }

        var typed = real.ToString().ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal).Replace('1', 'l').Replace('0', 'o');
        Assert.True(CaseToken.TryParse(typed, out var parsed));
        await using var read = await _database.BeginAsync();
        Assert.NotNull(await _cases.FindByTokenAsync(read, parsed, CancellationToken.None));
    }

    [Fact]
    public async Task TokenIsNeverStoredOnlyItsKeyedHash()
    {
        CaseToken real;
        await using (var db = await _database.BeginAsync())
        {
            using var family = await new ChatStore(_keys).CreateAsync(db, 5_000_000_003, DateTimeOffset.UtcNow, CancellationToken.None);
            (_, real) = await _cases.CreateAsync(db, family, Details, DateTimeOffset.UtcNow, CancellationToken.None);
            await db.CommitAsync();
        }

        FileScan.AssertNoneOf(
            FileScan.DatabaseFiles(_folder.File("bot.db")),
            FileScan.TextForms([real.ToString(), real.Normalized, "Mi-rae"]));
    }
}
