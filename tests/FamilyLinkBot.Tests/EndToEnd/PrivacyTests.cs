using System.Globalization;
using FamilyLinkBot.Cases;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Privacy;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>/forget, /panic, the disappearing timer and the retention sweep (docs/DESIGN.md#3-cryptography, docs/DESIGN.md#5-erasure-and-retention, docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications), with the bot's clock faked.</summary>
public sealed class PrivacyTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private BotApiEmulator _emulator = null!;
    private TestBot _bot = null!;

    public async Task InitializeAsync()
    {
        _emulator = await BotApiEmulator.StartAsync();
        // A fake clock fires a periodic timer once per period it passes: a long sweep interval keeps year-long jumps cheap.
        _bot = await TestBot.StartAsync(
            _emulator,
            _folder.Path,
            new Dictionary<string, string?> { ["Privacy:SweepInterval"] = "01:00:00" },
            s => s.AddSingleton<TimeProvider>(_time));
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _emulator.DisposeAsync();
        LogSafety.AssertClean(_bot.Logs, _emulator, ["Mi-rae", "Tumen detention centre"]);
        _folder.Dispose();
    }

    private static string En(string key) => CaseFlowTests.En(key);

    [Fact]
    public async Task ForgetErasesEveryRowAndTheWrappedKey()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var wrappedKey = await ScalarAsync<byte[]>("SELECT data_key FROM chats;");
        var caseBlobs = await ScalarAsync<byte[]>("SELECT alias FROM cases;");

        await family.Says("/forget");
        await family.Presses(En("button.erase_everything"));
        await _emulator.WaitUntilAsync(() => family.Replies.Any(r => r.Text == En("forget.done")), TimeSpan.FromSeconds(10));

        foreach (var table in new[] { "chats", "cases", "case_history", "sessions", "tracked_messages", "outbox" })
        {
            Assert.Equal(0, await GroupAndRestartTests.CountAsync(_bot.DatabasePath, table));
        }

        var files = FileScan.DatabaseFiles(_bot.DatabasePath).ToList();
        FileScan.AssertNoneOf(files, [("the wrapped data key", wrappedKey), ("an encrypted alias", caseBlobs)]);
        FileScan.AssertNoneOf(files, FileScan.ChatIdForms([family.User.Id]));
        FileScan.AssertNoneOf(files, FileScan.TextForms(["Mi-rae", "Tumen detention centre"]));

        Assert.True(CaseToken.TryParse(token, out var parsed));
        await using (var db = await _bot.Service<Database>().BeginAsync())
        {
            Assert.Null(await _bot.Service<CaseStore>().FindByTokenAsync(db, parsed, CancellationToken.None));
        }

        var again = await family.Says("/start");
        Assert.Equal(["한국어", "English", "中文"], again.ButtonLabels);
    }

    [Fact]
    [Trait("Store", TestStore.SqliteOnly)] // SQLite's WAL checkpoint
    public async Task ForgetWhileAReaderBlocksTheCheckpointWarnsWithoutIds()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        await CaseFlowTests.RegisterAsync(family, "Mi-rae");

        // Another process's open read transaction: its snapshot predates the erasure, so TRUNCATE cannot finish.
        await using (var reader = await TestStore.OpenAsync(_bot.DatabasePath))
        {
            await using var transaction = ((Microsoft.Data.Sqlite.SqliteConnection)reader).BeginTransaction(deferred: true);
            await using (var read = reader.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT COUNT(*) FROM chats;";
                await read.ExecuteScalarAsync();
            }

            await family.Says("/forget");
            await family.Presses(En("button.erase_everything"));
            await _emulator.WaitUntilAsync(() => family.Replies.Any(r => r.Text == En("forget.done")), TimeSpan.FromSeconds(30));
        }

        var warning = Assert.Single(_bot.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("checkpoint", StringComparison.Ordinal));
        Assert.Contains("erasure stayed blocked", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(family.User.Id.ToString(CultureInfo.InvariantCulture), warning, StringComparison.Ordinal);
        Assert.DoesNotContain(family.ChatId.ToString(CultureInfo.InvariantCulture), warning, StringComparison.Ordinal);
        Assert.Equal(0, await GroupAndRestartTests.CountAsync(_bot.DatabasePath, "chats")); // the erasure itself committed
    }

    [Fact]
    public async Task KeepMyDataErasesNothing()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        await CaseFlowTests.RegisterAsync(family, "Mi-rae");

        await family.Says("/forget");
        var reply = await family.Presses(En("button.keep_data"));

        Assert.Equal(En("forget.kept"), reply.Text);
        Assert.Equal(1, await GroupAndRestartTests.CountAsync(_bot.DatabasePath, "cases"));
    }

    [Fact]
    public async Task PanicDeletesTheTokenMessageAtOnce()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var tokenMessage = _emulator.MessagesIn(family.ChatId).Single(m => m.Text.Contains(token, StringComparison.Ordinal));

        _emulator.SendText(family.User, "/panic");
        await _emulator.WaitUntilAsync(() => _emulator.MessagesIn(family.ChatId).Single(m => m.MessageId == tokenMessage.MessageId).IsDeleted, TimeSpan.FromSeconds(10));

        var left = _emulator.MessagesIn(family.ChatId).Where(m => !m.IsDeleted).ToList();
        Assert.DoesNotContain(left, m => m.Text.Contains("Mi-rae", StringComparison.Ordinal));
        Assert.DoesNotContain(left, m => !m.IsFromBot); // every user message went too, the /panic itself included
        await _emulator.WaitUntilAsync(() => _emulator.MessagesIn(family.ChatId).Any(m => m.Text == En("panic.done")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task SensitiveMessagesDisappearAtTheirExpiryAndNotBefore()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var sweeper = _bot.Service<DisappearingSweeper>();
        BotMessage TokenMessage() => _emulator.MessagesIn(family.ChatId).Single(m => m.Text.Contains(token, StringComparison.Ordinal));

        _time.Advance(TimeSpan.FromHours(23));
        await sweeper.SweepAsync(CancellationToken.None);
        Assert.False(TokenMessage().IsDeleted);

        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        await sweeper.SweepAsync(CancellationToken.None);
        Assert.True(TokenMessage().IsDeleted);

        var userAlias = _emulator.MessagesIn(family.ChatId).Single(m => !m.IsFromBot && m.Text == "Mi-rae");
        Assert.True(userAlias.IsDeleted); // the family's own answer to a sensitive step goes too
        Assert.Contains(_emulator.MessagesIn(family.ChatId), m => m.IsFromBot && !m.IsDeleted && m.Text == En("menu.title"));
    }

    [Fact]
    public async Task OneHourTimerDeletesAfterAnHour()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        await family.Says("/privacy");
        var settings = await family.Presses(En("button.timer_1h"));
        Assert.Contains(En("timer.1h"), settings.Text);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");

        _time.Advance(TimeSpan.FromMinutes(61));
        await _bot.Service<DisappearingSweeper>().SweepAsync(CancellationToken.None);

        Assert.True(_emulator.MessagesIn(family.ChatId).Single(m => m.Text.Contains(token, StringComparison.Ordinal)).IsDeleted);
    }

    [Fact]
    public async Task TrackingNeverLetsAMessageOutliveTelegramsDeleteWindow()
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        await using (var db = await _bot.Service<Database>().BeginAsync())
        {
            var chatRef = await ScalarAsync<string>("SELECT id FROM chats;");
            await _bot.Service<TrackedMessageStore>().TrackAsync(db, chatRef, 999_999, _time.GetUtcNow(), (int)TimeSpan.FromDays(30).TotalSeconds, CancellationToken.None);
            await db.CommitAsync();
        }

        var expires = await ScalarAsync<long>("SELECT expires_at FROM tracked_messages WHERE message_id = 999999;");
        Assert.True(expires - _time.GetUtcNow().ToUnixTimeSeconds() <= (long)TimeSpan.FromHours(47).TotalSeconds);
    }

    [Fact]
    public async Task RetentionErasesClosedCasesAndInactiveFamilies()
    {
        var active = await CaseFlowTests.OnboardAsync(_emulator);
        await CaseFlowTests.RegisterAsync(active, "Closed case");
        await active.Says("/cases");
        await active.Presses(En("button.close_case"));
        await active.Presses(En("button.close_case"));
        var idle = await CaseFlowTests.OnboardAsync(_emulator);
        await CaseFlowTests.RegisterAsync(idle, "Idle family");

        // The daily sweep also runs by itself when the fake clock passes a day; either run may do the work.
        await active.Says("/help");
        _time.Advance(TimeSpan.FromDays(181));
        await active.Says("/help");
        await _bot.Service<RetentionSweeper>().SweepAsync(CancellationToken.None);
        Assert.Equal(1, await GroupAndRestartTests.CountAsync(_bot.DatabasePath, "cases")); // the idle family's open case stays
        Assert.Equal(2, await GroupAndRestartTests.CountAsync(_bot.DatabasePath, "chats"));

        _time.Advance(TimeSpan.FromDays(185));
        await active.Says("/help");
        await _bot.Service<RetentionSweeper>().SweepAsync(CancellationToken.None);
        Assert.Equal(1, await GroupAndRestartTests.CountAsync(_bot.DatabasePath, "chats"));
        Assert.Equal(0, await GroupAndRestartTests.CountAsync(_bot.DatabasePath, "cases"));
    }

    [Fact]
    public async Task RetentionDeletesBroadcastsThirtyDaysAfterTheyEndAndNeverARunningOne()
    {
        long ended;
        long running;
        var store = _bot.Service<FamilyLinkBot.Delivery.BroadcastStore>();
        await using (var db = await _bot.Service<Database>().BeginAsync())
        {
            ended = await store.CreateAsync(db, "Rally on Monday", FamilyLinkBot.Delivery.Audience.All, null, _time.GetUtcNow(), CancellationToken.None);
            await store.FinishAsync(db, ended, FamilyLinkBot.Delivery.BroadcastState.Cancelled, _time.GetUtcNow(), CancellationToken.None);
            running = await store.CreateAsync(db, "Legal aid on Tuesday", FamilyLinkBot.Delivery.Audience.All, null, _time.GetUtcNow(), CancellationToken.None);
            // The running one keeps a message in flight (claimed by another instance that never finishes it), so the
            // runner cannot finish it whenever it looks.
            await using var inFlight = db.Command(
                    "INSERT INTO outbox (chat_ref, lane, payload, not_before, created_at, broadcast_id, claimed_by, claimed_until) " +
                    "VALUES (NULL, 2, @empty, 1000, 1000, @id, 'elsewhere:0', 253402300799000);")
                .With("@empty", Array.Empty<byte>())
                .With("@id", running);
            await inFlight.ExecuteNonQueryAsync();
            await db.CommitAsync();
        }

        _time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, (await _bot.Service<RetentionSweeper>().SweepAsync(CancellationToken.None)).Broadcasts);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT COUNT(*) FROM broadcasts;"));

        _time.Advance(TimeSpan.FromDays(2));
        await _bot.Service<RetentionSweeper>().SweepAsync(CancellationToken.None); // the timer's own run may have done it
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT COUNT(*) FROM broadcasts WHERE id = {ended};"));
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT COUNT(*) FROM broadcasts WHERE id = {running} AND state = 0;"));
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await TestStore.OpenAsync(_bot.DatabasePath);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
