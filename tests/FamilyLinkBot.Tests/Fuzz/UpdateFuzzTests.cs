using CsCheck;
using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Telegram;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.EndToEnd;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Tests.Fuzz;

/// <summary>
/// docs/DESIGN.md#1-who-it-serves-and-against-whom adversary 4: random and malformed updates through the real pipeline. Nothing may escape as an unhandled
/// exception, the host must keep answering, and every stored row must still decrypt and hold together.
/// </summary>
public sealed class UpdateFuzzTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private BotApiEmulator _emulator = null!;
    private TestBot _bot = null!;
    private List<EmulatedUser> _users = null!;
    private int _nextUpdateId = 1_000_000;

    public async Task InitializeAsync()
    {
        _emulator = await BotApiEmulator.StartAsync();
        // Hundreds of replies are produced at once; a high send rate keeps the final /help from queueing behind them.
        _bot = await TestBot.StartAsync(_emulator, _folder.Path, new Dictionary<string, string?>
        {
            ["Delivery:AllowPaidBroadcast"] = "true",
            ["Delivery:MessagesPerSecond"] = "1000",
        });
        _users = [.. Enumerable.Range(0, 6).Select(i => _emulator.CreateUser(firstName: "Fuzz" + i, languageCode: i % 3 == 0 ? "zh" : "ko"))];
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _emulator.DisposeAsync();
        _folder.Dispose();
    }

    private static readonly string[] Commands =
        ["/start", "/help", "/language", "/register", "/cases", "/privacy", "/cancel", "/forget", "/panic", "/nosuch", "/case FL-0000-0000-0000-0000", "/broadcast", "/START@FamilyLinkTestBot", "/", "//", "/ register"];

    private static readonly string[] OddTexts =
    [
        "", " ", "\u200B\u200B", "\u202Eevil\u202C", "<b>&", "&amp;&#x0;", "<script>", "🇰🇵👨‍👩‍👧", "𝕏𝕐", "\uD800", "\uDFFF", "\0\0",
        "1", "2", "99", "-1", "0", "English", "한국어", "中文", "Child", "자녀", "Skip", "Unknown", "Confirm", "2026-03", "2099-12-31",
        "9999-99-99", "FL-7KQ2-M9XD-3RTP-WC4H", "Erase everything", "1 hour",
    ];

    private static Gen<string> Texts => Gen.Frequency(
        (4, Gen.OneOf(Commands)),
        (4, Gen.OneOf(OddTexts)),
        (3, Gen.String[0, 60]),
        (1, Gen.Char.Array[3_000, 12_000].Select(chars => new string(chars))));

    private static Gen<string?> CallbackData => Gen.Frequency(
        (3, Gen.OneOf<string?>(null, "", "1.AAAAAAAAAAA.0", "1..", "lang:ko", "case:view:1", "x".PadRight(64, 'x'), "1.AAAAAAAAAAA.-1")),
        (2, Gen.String[0, 70].Select(s => (string?)s)));

    /// <summary>One random update for one of the users: text, non-text, a button press, or an odd shape.</summary>
    private Gen<Update> Updates => Gen.Select(Gen.Int[0, 5], Gen.Int[0, 9], Texts, CallbackData, (user, kind, text, data) => Build(_users[user], kind, text, data));

    private Update Build(EmulatedUser user, int kind, string text, string? data)
    {
        var id = Interlocked.Increment(ref _nextUpdateId);
        var chat = user.ToPrivateChat();
        var message = new Message { Id = id % 5000 + 1, Date = DateTime.UtcNow, Chat = chat, From = user.ToUser(), Text = text };
        return kind switch
        {
            0 or 1 or 2 or 3 => new Update { Id = id, Message = message },
            4 => new Update { Id = id, Message = new Message { Id = message.Id, Date = message.Date, Chat = chat, From = user.ToUser(), Photo = [new PhotoSize { FileId = "f", FileUniqueId = "u", Width = 1, Height = 1 }] } },
            5 => new Update { Id = id, CallbackQuery = new CallbackQuery { Id = "q" + id, From = user.ToUser(), ChatInstance = "c", Data = data, Message = message } },
            6 => new Update { Id = id, CallbackQuery = new CallbackQuery { Id = "q" + id, From = user.ToUser(), ChatInstance = "c", Data = data } },
            7 => new Update { Id = id, Message = new Message { Id = message.Id, Date = message.Date, Chat = chat, Text = text } }, // no sender
            8 => new Update { Id = id, EditedMessage = message },
            _ => new Update { Id = id, Message = new Message { Id = message.Id, Date = message.Date, Chat = new Chat { Id = -100_777, Type = ChatType.Supergroup }, From = user.ToUser(), Text = text } },
        };
    }

    [Fact]
    public async Task RandomUpdatesNeverBreakThePipelineOrItsStoredState()
    {
        var pipeline = _bot.Service<UpdatePipeline>();
        await Gen.Select(Updates.Array[20, 60], Gen.Bool).SampleAsync(
            async (batch, concurrent) =>
            {
                if (concurrent)
                {
                    // Several updates for the same chats at once, as a webhook with many connections would deliver them.
                    await Task.WhenAll(batch.Select(u => pipeline.ProcessAsync(u, CancellationToken.None)));
                }
                else
                {
                    await pipeline.ProcessBatchAsync(batch, CancellationToken.None);
                }
            },
            iter: 12,
            threads: 1);

        var errors = _bot.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(5)));
        await AssertStoredStateIsConsistentAsync();
        var fresh = _emulator.Driver(_emulator.CreateUser(languageCode: "en"));
        Assert.Equal(CaseFlowTests.En("help.text"), (await fresh.Says("/help")).Text);
        LogSafety.AssertClean(_bot.Logs, _emulator);
    }

    [Fact]
    public async Task UnreadableRawUpdatesAreSkippedAndPollingGoesOn()
    {
        string[] junk =
        [
            "{\"message\": {\"message_id\": \"abc\", \"date\": 1, \"chat\": {\"id\": 5, \"type\": \"private\"}}}",
            "{\"callback_query\": {\"id\": 7, \"from\": null}}",
            "{\"message\": [1, 2, 3]}",
            "{\"poll_answer\": {\"poll_id\": \"p\", \"option_ids\": [0]}, \"some_future_update\": {\"x\": 1}}",
            "{\"message\": {\"message_id\": 1, \"date\": 1, \"chat\": {\"id\": " + _users[0].Id + ", \"type\": \"private\"}, \"text\": " + string.Concat(Enumerable.Repeat("[", 40)) + "1" + string.Concat(Enumerable.Repeat("]", 40)) + "}}",
        ];
        foreach (var json in junk)
        {
            _emulator.EnqueueRawJson(json);
        }

        var family = _emulator.Driver(_emulator.CreateUser(languageCode: "en"));
        family.Timeout = TimeSpan.FromSeconds(30);
        var reply = await family.Says("/help");

        Assert.Equal(CaseFlowTests.En("help.text"), reply.Text);
        LogSafety.AssertClean(_bot.Logs, _emulator);
    }

    private async Task AssertStoredStateIsConsistentAsync()
    {
        var database = _bot.Service<Database>();
        var chats = _bot.Service<ChatStore>();
        await using var db = await database.BeginAsync();
        var refs = new List<string>();
        await using (var command = db.Command("SELECT id FROM chats;"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                refs.Add(reader.GetString(0));
            }
        }

        Assert.NotEmpty(refs);
        foreach (var chatRef in refs)
        {
            using var chat = await chats.GetAsync(db, chatRef, CancellationToken.None);
            Assert.NotNull(chat);
            var session = await _bot.Service<SessionStore>().LoadAsync(db, chat, CancellationToken.None);
            Assert.True(session.Menu is null || session.Menu.Options.Count <= 64);
            var cases = await _bot.Service<CaseStore>().ListAsync(db, chat, CancellationToken.None);
            Assert.Equal(cases.Count, cases.Select(c => c.Number).Distinct().Count());
            foreach (var summary in cases)
            {
                Assert.Contains(summary.Details.Relation, CaseChoices.Relations);
                Assert.Contains(summary.Details.Region, CaseChoices.Regions);
                Assert.True((summary.Details.Alias?.Length ?? 0) <= 400);
            }
        }

        await using var orphans = db.Command("SELECT COUNT(*) FROM outbox WHERE chat_ref NOT IN (SELECT id FROM chats);");
        Assert.Equal(0L, (long)(await orphans.ExecuteScalarAsync())!);
        SqliteConnection.ClearAllPools();
    }
}
