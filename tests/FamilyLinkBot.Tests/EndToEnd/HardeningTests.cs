using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FamilyLinkBot.Alerts;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Privacy;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>Files, polling and bookkeeping a security review found wanting (issue 13), each checked on the real host.</summary>
public sealed class HardeningTests : IAsyncLifetime
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempFolder _folder = new();
    private BotApiEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await BotApiEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    [Trait("Store", TestStore.SqliteOnly)] // the SQLite file's modes
    public async Task AFreshDataFolderIsOwnerOnlyWithItsDatabaseWalAndShm()
    {
        var data = Path.Combine(_folder.Path, "data");
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(data, "bot.db")}",
            ["Crypto:MasterKeyPath"] = _folder.File("master.key"),
        };
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, settings))
        {
            await CaseFlowTests.RegisterAsync(await CaseFlowTests.OnboardAsync(_emulator), "Mi-rae");

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
            foreach (var name in new[] { "bot.db", "bot.db-wal", "bot.db-shm" })
            {
                Assert.True(File.Exists(Path.Combine(data, name)), name);
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(data, name)));
            }
        }

        // A database made readable by others (a restore with cp, say) is narrowed again on the next start.
        File.SetUnixFileMode(Path.Combine(data, "bot.db"), OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, settings))
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(data, "bot.db")));
        }
    }

    [Fact]
    public async Task AKeyFileEveryLocalUserCanReadIsRefused()
    {
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
            await CaseFlowTests.OnboardAsync(_emulator);
        }

        File.SetUnixFileMode(_folder.File("master.key"), OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var error = await Assert.ThrowsAsync<StartupException>(() => TestBot.StartAsync(_emulator, _folder.Path));
        Assert.Contains("readable by every local user", error.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);

        File.SetUnixFileMode(_folder.File("master.key"), OwnerOnly | UnixFileMode.GroupRead);
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
            Assert.Contains(bot.Logs.Lines, line => line.Contains("open to more than its owner", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ProcessedUpdateIdsArePrunedOnceTelegramCanNoLongerRedeliverThem()
    {
        await using var bot = await TestBot.StartAsync(_emulator, _folder.Path);
        var now = DateTimeOffset.UtcNow;
        await using (var db = await bot.Service<Database>().BeginAsync())
        {
            await using var insert = db.Command(
                    "INSERT INTO processed_updates (update_id, processed_at) VALUES (900001, @old), (900002, @edge), (900003, @recent);")
                .With("@old", now.AddDays(-30).ToUnixTimeSeconds())
                .With("@edge", now.AddHours(-49).ToUnixTimeSeconds())
                .With("@recent", now.AddHours(-25).ToUnixTimeSeconds());
            await insert.ExecuteNonQueryAsync();
            await db.CommitAsync();
        }

        await bot.Service<DisappearingSweeper>().SweepAsync(CancellationToken.None);

        await using (var db = await bot.Service<Database>().BeginAsync())
        {
            await using var left = db.Command("SELECT update_id FROM processed_updates WHERE update_id >= 900001 ORDER BY update_id;");
            Assert.Equal(900003L, (long)(await left.ExecuteScalarAsync())!);
            await using var count = db.Command("SELECT COUNT(*) FROM processed_updates WHERE update_id >= 900001;");
            Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task AFailureWhileSteppingOverAnUnreadableUpdateDoesNotStopPolling()
    {
        await using var bot = await TestBot.StartAsync(_emulator, _folder.Path, new Dictionary<string, string?> { ["Telegram:PollingTimeoutSeconds"] = "30" });
        var family = _emulator.Driver(_emulator.CreateUser(languageCode: "en"));
        family.Timeout = TimeSpan.FromSeconds(30);
        await family.Says("/help");

        // The bot is now in a long poll. That poll receives an update Telegram.Bot cannot read; the raw re-fetch made to
        // find and skip it loses its connection.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        _emulator.DropConnectionNext("getUpdates");
        _emulator.EnqueueRawJson("{\"message\": [1, 2, 3]}");

        Assert.Equal(CaseFlowTests.En("help.text"), (await family.Says("/help")).Text);
        Assert.Contains(_emulator.Requests, r => r.Method == "getUpdates" && r.StatusCode == 0);
    }
    [Fact]
    [Trait("Store", TestStore.SqliteOnly)] // SQLite's WAL checkpoint
    public async Task ACheckpointBlockedByAReaderSaysSoAndSucceedsOnceTheReaderIsGone()
    {
        using var database = new Database(new SqliteDialect($"Data Source={_folder.File("bot.db")}") { CheckpointAttempts = 2 });
        await new Migrator(database).MigrateAsync();
        await WriteMetaAsync(database, "a");

        await using (var reader = await database.OpenAsync())
        {
            await using var transaction = await database.Dialect.BeginReadAsync(reader, default);
            await using (var read = reader.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT COUNT(*) FROM meta;";
                await read.ExecuteScalarAsync();
            }

            await WriteMetaAsync(database, "b"); // a frame the reader's snapshot does not include
            Assert.False(await database.CheckpointAsync());
        }

        Assert.True(await database.CheckpointAsync());
        Assert.Equal(0, new FileInfo(_folder.File("bot.db-wal")).Length);
    }

    [Fact]
    public async Task FeedsOnInternalAddressesAreRefusedUnlessAllowed()
    {
        var adminUser = _emulator.CreateUser("Admin", languageCode: "en");
        await using var bot = await TestBot.StartAsync(_emulator, _folder.Path, new Dictionary<string, string?>
        {
            ["Admins:UserIds:0"] = adminUser.Id.ToString(CultureInfo.InvariantCulture),
            ["News:AllowPrivateAddresses"] = "false",
        });
        var admin = _emulator.Driver(adminUser);
        await admin.Says("/start");
        await admin.Presses("English");

        foreach (var url in new[] { "http://127.0.0.1:8080/feed.xml", "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/rss", "http://[::1]/rss", "http://localhost/rss", "http://intranet/rss" })
        {
            Assert.Equal(CaseFlowTests.En("feeds.private_address"), (await admin.Says("/feeds add " + url)).Text);
        }

        await using var db = await bot.Service<Database>().BeginAsync();
        await using var count = db.Command("SELECT COUNT(*) FROM feeds WHERE url NOT LIKE 'https://%' OR url LIKE '%169.254%';");
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task TheFetchersConnectionsReachNoInternalAddressEvenThroughAPublicLookingName()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var guarded = new HttpClient(new SocketsHttpHandler { ConnectCallback = (c, ct) => FeedAddressGuard.ConnectAsync(c, false, ct) });
            await Assert.ThrowsAsync<HttpRequestException>(() => guarded.GetAsync(new Uri($"http://127.0.0.1:{port}/feed.xml")));
            await Assert.ThrowsAsync<HttpRequestException>(() => guarded.GetAsync(new Uri($"http://localhost:{port}/feed.xml")));
            Assert.False(listener.Pending());

            using var allowed = new HttpClient(new SocketsHttpHandler { ConnectCallback = (c, ct) => FeedAddressGuard.ConnectAsync(c, true, ct) }) { Timeout = TimeSpan.FromSeconds(1) };
            await Assert.ThrowsAnyAsync<Exception>(() => allowed.GetAsync(new Uri($"http://127.0.0.1:{port}/feed.xml")));
            Assert.True(listener.Pending()); // allowed, it did connect (nobody answers, hence the timeout)
        }
        finally
        {
            listener.Stop();
        }

        foreach (var address in new[] { "127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "224.0.0.1" })
        {
            Assert.True(FeedAddressGuard.IsInternal(IPAddress.Parse(address)), address);
        }

        foreach (var address in new[] { "8.8.8.8", "1.1.1.1", "172.32.0.1", "2001:4860:4860::8888" })
        {
            Assert.False(FeedAddressGuard.IsInternal(IPAddress.Parse(address)), address);
        }
    }

    private static async Task WriteMetaAsync(Database database, string name)
    {
        await using var db = await database.BeginAsync();
        await new MetaStore().SetAsync(db, "test_" + name, [1, 2, 3], CancellationToken.None);
        await db.CommitAsync();
    }
}
