using FamilyLinkBot.Crypto;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.EndToEnd;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FamilyLinkBot.Tests.Hosting;

/// <summary>rotate-key (docs/DESIGN.md#3-cryptography, docs/DESIGN.md#9-running-it): every data key re-wrapped, the old key unneeded, safe while running and after a crash.</summary>
[Trait("Store", TestStore.SqliteOnly)] // drives rotate-key and check against SQLite files (rotation itself is engine-neutral: Storage/KeyRotation.cs)
public sealed class KeyRotationTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private BotApiEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await BotApiEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private string DatabasePath => Path.Combine(_folder.Path, "bot.db");

    private string OldKey => Path.Combine(_folder.Path, "master.key");

    private string NewKey => Path.Combine(_folder.Path, "new.key");

    private static Dictionary<string, string?> WithKey(string path) => new() { ["Crypto:MasterKeyPath"] = path };

    [Fact]
    public async Task RotateThenRestartWithOnlyTheNewKeyReadsEveryCase()
    {
        var families = new List<ChatDriver>();
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
            for (var i = 0; i < 3; i++)
            {
                var family = await CaseFlowTests.OnboardAsync(_emulator);
                await CaseFlowTests.RegisterAsync(family, "Alias-" + i);
                families.Add(family);
            }
        }

        var (code, output, _) = await RunAsync("rotate-key", "--new", NewKey, $"--Storage:ConnectionString=Data Source={DatabasePath}", $"--Crypto:MasterKeyPath={OldKey}");
        Assert.Equal(0, code);
        Assert.Contains("Re-wrapped 3 data keys", output);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(NewKey));
        File.Move(OldKey, OldKey + ".retired");

        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, WithKey(NewKey)))
        {
            for (var i = 0; i < families.Count; i++)
            {
                var cases = await families[i].Says("/cases");
                Assert.Contains("Alias-" + i, cases.Text);
            }
        }

        var error = await Assert.ThrowsAsync<StartupException>(() => TestBot.StartAsync(_emulator, _folder.Path, WithKey(OldKey + ".retired")));
        Assert.Contains("does not match", error.Message);
    }

    [Fact]
    public async Task RotateSaysSoWhenAReaderBlocksItsFinalCheckpoint()
    {
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
            var family = await CaseFlowTests.OnboardAsync(_emulator);
            await CaseFlowTests.RegisterAsync(family, "Alias");
        }

        string output;
        await using (var reader = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            await reader.OpenAsync();
            await using var transaction = reader.BeginTransaction(deferred: true);
            await using (var read = reader.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT COUNT(*) FROM chats;";
                await read.ExecuteScalarAsync();
            }

            (var code, output, _) = await RunAsync("rotate-key", "--new", NewKey, $"--Storage:ConnectionString=Data Source={DatabasePath}", $"--Crypto:MasterKeyPath={OldKey}");
            Assert.Equal(0, code);
        }

        Assert.Contains("Re-wrapped 1 data keys", output, StringComparison.Ordinal);
        var note = Assert.Single(output.Split('\n'), l => l.StartsWith("Note:", StringComparison.Ordinal));
        Assert.Contains("checkpoint", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterruptedRotationWhileTheBotRunsIsFinishedByARerun()
    {
        var families = new List<ChatDriver>();
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
            for (var i = 0; i < 5; i++)
            {
                var family = await CaseFlowTests.OnboardAsync(_emulator);
                await CaseFlowTests.RegisterAsync(family, "Alias-" + i);
                families.Add(family);
            }

            var crashing = new KeyRotation(bot.Service<Database>(), bot.Service<MetaStore>()) { BatchSize = 2, AfterBatch = done => throw new IOException("killed after " + done) };
            await Assert.ThrowsAsync<IOException>(() => crashing.RotateAsync(new CryptoOptions { MasterKeyPath = OldKey }, NewKey, CancellationToken.None));

            // Mid-rotation the running bot reads keys wrapped under either master key, and wraps new ones under the new key.
            Assert.Contains("Alias-0", (await families[0].Says("/cases")).Text);
            Assert.Contains("Alias-4", (await families[4].Says("/cases")).Text);
            var newcomer = await CaseFlowTests.OnboardAsync(_emulator);
            await CaseFlowTests.RegisterAsync(newcomer, "Alias-new");
            families.Add(newcomer);

            var result = await new KeyRotation(bot.Service<Database>(), bot.Service<MetaStore>()) { BatchSize = 2 }.RotateAsync(new CryptoOptions { MasterKeyPath = OldKey }, NewKey, CancellationToken.None);
            Assert.False(result.AlreadyDone);
            Assert.Contains("Alias-3", (await families[3].Says("/cases")).Text);
        }

        File.Delete(OldKey);
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, WithKey(NewKey)))
        {
            Assert.Contains("Alias-2", (await families[2].Says("/cases")).Text);
            Assert.Contains("Alias-new", (await families[5].Says("/cases")).Text);
        }

        var again = await new KeyRotation(new Database($"Data Source={DatabasePath}"), new MetaStore()).RotateAsync(new CryptoOptions { MasterKeyPath = NewKey }, NewKey + "2", CancellationToken.None);
        Assert.Equal(6, again.Rewrapped);
    }

    [Fact]
    public async Task ARotationFinishedWhileTheBotRunsIsFollowedSoTheRetiredKeyIsNeverNeeded()
    {
        ChatDriver before, after;
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
            before = await CaseFlowTests.OnboardAsync(_emulator);
            await CaseFlowTests.RegisterAsync(before, "Alias-before");

            // What an operator does per the docs, while the bot keeps running.
            Assert.Equal(0, (await RunAsync("keygen", NewKey)).Code);
            Assert.Equal(0, (await RunAsync("rotate-key", "--new", NewKey, $"--Storage:ConnectionString=Data Source={DatabasePath}", $"--Crypto:MasterKeyPath={OldKey}")).Code);

            after = await CaseFlowTests.OnboardAsync(_emulator);
            await CaseFlowTests.RegisterAsync(after, "Alias-after");
            Assert.Contains("Alias-before", (await before.Says("/cases")).Text);
            Assert.Contains(bot.Logs.Lines, line => line.Contains("rotated while the bot ran; it now uses the new key", StringComparison.Ordinal));
        }

        Assert.Equal(0, await CountWrappedUnderAsync(OldKey));
        File.Delete(OldKey);
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path, WithKey(NewKey)))
        {
            Assert.Contains("Alias-before", (await before.Says("/cases")).Text);
            Assert.Contains("Alias-after", (await after.Says("/cases")).Text);
        }
    }

    [Fact]
    public async Task ARunningBotThatCannotLoadTheNewKeyStoresNothingUnderTheRetiredOne()
    {
        await using var bot = await TestBot.StartAsync(_emulator, _folder.Path);
        await CaseFlowTests.OnboardAsync(_emulator);
        Assert.Equal(0, (await RunAsync("rotate-key", "--new", NewKey, $"--Storage:ConnectionString=Data Source={DatabasePath}", $"--Crypto:MasterKeyPath={OldKey}")).Code);
        File.Move(NewKey, NewKey + ".offline");

        var newcomer = _emulator.CreateUser(languageCode: "en");
        _emulator.SendText(newcomer, "/start");
        await _emulator.WaitUntilAsync(() => bot.Logs.Lines.Any(line => line.Contains("the new key cannot be loaded", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));

        Assert.Equal(0, await CountWrappedUnderAsync(OldKey));
        await using var db = await bot.Service<Database>().BeginAsync();
        await using var count = db.Command("SELECT COUNT(*) FROM chats;");
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    /// <summary>How many data keys in the database are wrapped under the master key in this file.</summary>
    private async Task<int> CountWrappedUnderAsync(string keyPath)
    {
        using var ring = KeyRing.FromMasterKey(MasterKeySource.TryLoad(new CryptoOptions { MasterKeyPath = keyPath })!);
        using var database = new Database($"Data Source={DatabasePath}");
        await using var db = await database.BeginAsync();
        var wrapped = new List<byte[]>();
        await using (var command = db.Command("SELECT data_key FROM chats UNION ALL SELECT value FROM meta WHERE key IN ('index_root', 'system_data_key');"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                wrapped.Add((byte[])reader.GetValue(0));
            }
        }

        SqliteConnection.ClearAllPools();
        return wrapped.Count(blob => KeyStore.KeyIdOf(blob) == ring.KeyId);
    }

    [Fact]
    public async Task RotateRefusesTheKeyInUse()
    {
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
            await CaseFlowTests.OnboardAsync(_emulator);
        }

        var (code, _, error) = await RunAsync("rotate-key", "--new", OldKey, $"--Storage:ConnectionString=Data Source={DatabasePath}", $"--Crypto:MasterKeyPath={OldKey}");

        Assert.Equal(2, code);
        Assert.Contains("in use", error);
    }

    [Fact]
    public async Task KeygenWritesAKeyAndNeverOverwrites()
    {
        var path = Path.Combine(_folder.Path, "k", "fresh.key");

        var (first, output, _) = await RunAsync("keygen", path);
        var before = await File.ReadAllTextAsync(path);
        var (second, _, error) = await RunAsync("keygen", path);

        Assert.Equal(0, first);
        Assert.Contains("Wrote a new master key", output);
        Assert.DoesNotContain(before.Trim(), output);
        Assert.Equal(1, second);
        Assert.Contains("never overwritten", error);
        Assert.Equal(before, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task CheckPassesForAGoodSetup()
    {
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
        }

        var (code, output, _) = await RunAsync(CheckArgs(OldKey, _emulator.BaseUrl));

        Assert.Equal(0, code);
        Assert.Contains("All checks passed.", output);
        Assert.DoesNotContain(_emulator.Token, output);
    }

    [Fact]
    public async Task CheckReportsAWrongKeyAndAnUnreachableBotApi()
    {
        await using (var bot = await TestBot.StartAsync(_emulator, _folder.Path))
        {
            await CaseFlowTests.OnboardAsync(_emulator);
        }

        MasterKeySource.CreateFile(NewKey);

        var (code, output, _) = await RunAsync(CheckArgs(NewKey, "http://127.0.0.1:9"));

        Assert.Equal(1, code);
        Assert.Contains("PROBLEM  key: The master key does not match", output);
        Assert.Contains("PROBLEM  Bot API unreachable", output);
        Assert.Contains("2 problem(s) found.", output);
    }

    [Fact]
    public async Task CheckReportsAMissingTokenByName()
    {
        var (code, output, _) = await RunAsync("check", $"--Storage:ConnectionString=Data Source={DatabasePath}", $"--Crypto:MasterKeyPath={OldKey}");

        Assert.Equal(1, code);
        Assert.Contains("PROBLEM  configuration: Telegram:BotToken is not set", output);
    }

    [Fact]
    public async Task CheckReportsAnUnusableFeedEntryByName()
    {
        var (code, output, _) = await RunAsync([.. CheckArgs(OldKey, _emulator.BaseUrl), "--News:Feeds:0:Name=Daily NK", "--News:Feeds:0:Link=https://example.org/rss"]);

        Assert.Equal(1, code);
        Assert.Contains("PROBLEM  configuration: News:Feeds:0:Link is not a feed setting", output);
        Assert.Contains("PROBLEM  configuration: News:Feeds:0:Url must be an absolute http or https URL.", output);
    }

    private string[] CheckArgs(string keyPath, string apiBaseUrl) =>
    [
        "check",
        $"--Telegram:BotToken={_emulator.Token}",
        $"--Telegram:ApiBaseUrl={apiBaseUrl}",
        $"--Storage:ConnectionString=Data Source={DatabasePath}",
        $"--Crypto:MasterKeyPath={keyPath}",
    ];

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SubCommands.RunAsync(args, output, error);
        SqliteConnection.ClearAllPools();
        return (code, output.ToString(), error.ToString());
    }
}
