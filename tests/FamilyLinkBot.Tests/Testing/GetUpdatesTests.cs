using System.Diagnostics;
using FamilyLinkBot.Testing;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace FamilyLinkBot.Tests.Testing;

// getUpdates with the real client: long polling, offsets, limits, redelivery, conflicts, allowed_updates.
public sealed class GetUpdatesTests
{
    [Fact]
    public async Task LongPollReturnsAnUpdateSentWhileWaiting()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var poll = EmulatorClients.Client(emulator).GetUpdates(timeout: 20);
        await Task.Delay(100);
        Assert.False(poll.IsCompleted);

        var clock = Stopwatch.StartNew();
        emulator.SendText(user, "안녕하세요");
        var update = Assert.Single(await poll.WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
        Assert.Equal(UpdateType.Message, update.Type);
        Assert.Equal("안녕하세요", update.Message?.Text);
        Assert.Equal(user.Id, update.Message?.From?.Id);
        Assert.Equal(ChatType.Private, update.Message?.Chat.Type);
        Assert.Equal("ko", update.Message?.From?.LanguageCode);
    }

    [Fact]
    public async Task CommandsCarryABotCommandEntity()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        emulator.SendText(user, "/start@FamilyLinkTestBot hello");

        var message = Assert.Single(await EmulatorClients.Client(emulator).GetUpdates()).Message!;

        var entity = Assert.Single(message.Entities!);
        Assert.Equal(MessageEntityType.BotCommand, entity.Type);
        Assert.Equal((0, 24), (entity.Offset, entity.Length));
    }

    [Fact]
    public async Task OffsetConfirmsEarlierUpdates()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        emulator.SendText(user, "one");
        emulator.SendText(user, "two");

        var first = await client.GetUpdates();
        var unconfirmed = await client.GetUpdates();
        var afterOffset = await client.GetUpdates(offset: first[^1].Id + 1);

        Assert.Equal(["one", "two"], first.Select(u => u.Message?.Text));
        Assert.Equal(first[1].Id, first[0].Id + 1);
        Assert.Equal(first.Select(u => u.Id), unconfirmed.Select(u => u.Id));
        Assert.Empty(afterOffset);
        Assert.True(emulator.IsUpdateConfirmed(first[1].Id));
        Assert.Equal(0, emulator.PendingUpdateCount);
    }

    [Fact]
    public async Task LimitCapsTheBatch()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        for (var i = 0; i < 3; i++)
        {
            emulator.SendText(user, $"m{i}");
        }

        var batch = await client.GetUpdates(limit: 2);
        var rest = await client.GetUpdates(offset: batch[^1].Id + 1);

        Assert.Equal(["m0", "m1"], batch.Select(u => u.Message?.Text));
        Assert.Equal(["m2"], rest.Select(u => u.Message?.Text));
    }

    [Fact]
    public async Task RedeliverReturnsTheSameUpdateIdAgain()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        emulator.SendText(user, "register me");
        var original = Assert.Single(await client.GetUpdates());
        Assert.Empty(await client.GetUpdates(offset: original.Id + 1));

        emulator.Redeliver(original.Id);
        var again = Assert.Single(await client.GetUpdates(offset: original.Id + 1));
        var afterConfirm = await client.GetUpdates(offset: original.Id + 1);

        Assert.Equal(original.Id, again.Id);
        Assert.Equal("register me", again.Message?.Text);
        Assert.Empty(afterConfirm);
    }

    [Fact]
    public async Task ANewerGetUpdatesEndsTheWaitingOneWithConflict()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var older = EmulatorClients.Client(emulator).GetUpdates(timeout: 20);
        await Task.Delay(200);

        var newer = await EmulatorClients.Client(emulator).GetUpdates();
        var error = await Assert.ThrowsAsync<ApiRequestException>(() => older.WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.Empty(newer);
        Assert.Equal(409, error.ErrorCode);
        Assert.Equal("Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", error.Message);
    }

    [Fact]
    public async Task GetUpdatesWhileAWebhookIsSetIsConflict()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var client = EmulatorClients.Client(emulator);

        var plainHttp = await Assert.ThrowsAsync<ApiRequestException>(() => client.SetWebhook("http://example.org/hook"));
        await client.SetWebhook("https://example.org/hook", secretToken: "s3cret");
        var error = await Assert.ThrowsAsync<ApiRequestException>(() => client.GetUpdates());
        var info = await client.GetWebhookInfo();
        await client.DeleteWebhook();

        Assert.Equal("Bad Request: bad webhook: An HTTPS URL must be provided for webhook", plainHttp.Message);
        Assert.Equal(409, error.ErrorCode);
        Assert.Equal("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", error.Message);
        Assert.Equal("https://example.org/hook", info.Url);
        Assert.Empty(await client.GetUpdates());
        Assert.Null(emulator.WebhookUrl);
    }

    [Fact]
    public async Task AllowedUpdatesFilterAndPersistBetweenCalls()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        var menu = await client.SendMessage(user.ChatId, "Pick", replyMarkup: new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("A", "a")));
        await client.GetUpdates(allowedUpdates: [UpdateType.CallbackQuery]);

        emulator.SendText(user, "ignored");
        emulator.Press(user, menu, "a");
        var updates = await client.GetUpdates();

        Assert.Equal([UpdateType.CallbackQuery], updates.Select(u => u.Type));
    }

    [Fact]
    public async Task PressCarriesTheMessageAsItIsNow()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        var keyboard = new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("Next", "next"));
        var menu = await client.SendMessage(user.ChatId, "Step 1", replyMarkup: keyboard);
        await client.EditMessageText(user.ChatId, menu.Id, "Step 2", replyMarkup: keyboard);

        var pressed = emulator.Press(user, menu, "next");
        var query = Assert.Single(await client.GetUpdates()).CallbackQuery!;

        Assert.Equal(pressed.Id, query.Id);
        Assert.Equal("next", query.Data);
        Assert.Equal("Step 2", query.Message?.Text);
        Assert.NotNull(query.Message?.EditDate);
        Assert.Equal(user.Id, query.From.Id);
        Assert.False(string.IsNullOrEmpty(query.ChatInstance));
    }

    [Fact]
    public async Task PressOnADeletedMessageIsImpossible()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        var menu = await client.SendMessage(user.ChatId, "Pick", replyMarkup: new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("A", "a")));
        await client.DeleteMessage(user.ChatId, menu.Id);

        Assert.Throws<InvalidOperationException>(() => emulator.Press(user, menu, "a"));
    }

    [Fact]
    public async Task MediaMessagesArriveWithTheirMedia()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        emulator.SendPhoto(user, "my brother");
        emulator.SendSticker(user);
        emulator.SendVoice(user, 5);
        emulator.SendDocument(user, "passport.pdf");

        var messages = (await EmulatorClients.Client(emulator).GetUpdates()).Select(u => u.Message!).ToList();

        Assert.Equal("my brother", messages[0].Caption);
        Assert.NotEmpty(messages[0].Photo!);
        Assert.NotNull(messages[1].Sticker);
        Assert.Equal(5, messages[2].Voice?.Duration);
        Assert.Equal("passport.pdf", messages[3].Document?.FileName);
        Assert.All(messages, m => Assert.Null(m.Text));
        Assert.Equal(["photo", "sticker", "voice", "document"], emulator.MessagesIn(user.ChatId).Select(m => m.Kind));
    }

    [Fact]
    public async Task GroupMessagesComeFromTheGroup()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var group = emulator.CreateGroup("Families");
        emulator.SendText(user, "/start", group);

        var message = Assert.Single(await EmulatorClients.Client(emulator).GetUpdates()).Message!;

        Assert.Equal(group.Id, message.Chat.Id);
        Assert.Equal(ChatType.Supergroup, message.Chat.Type);
        Assert.Equal("Families", message.Chat.Title);
    }

    [Fact]
    public async Task RawJsonIsQueuedAsIsWithAnUpdateId()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var id = emulator.EnqueueRawJson($$$"""{"message":{"message_id":77,"date":1700000000,"chat":{"id":{{{user.ChatId}}},"type":"private"},"text":"raw"}}""");
        var given = emulator.EnqueueRawJson("""{"update_id":999999999,"edited_message":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"}}}""");

        var updates = await EmulatorClients.Client(emulator).GetUpdates();

        Assert.Equal(999999999, given);
        Assert.Equal([id, given], updates.Select(u => u.Id));
        Assert.Equal("raw", updates[0].Message?.Text);
        Assert.Throws<ArgumentException>(() => emulator.EnqueueRawJson("{not json"));
    }

    [Fact]
    public async Task DisposeEndsALongPollPromptly()
    {
        var emulator = await BotApiEmulator.StartAsync();
        var poll = EmulatorClients.Client(emulator).GetUpdates(timeout: 30);
        await Task.Delay(100);
        var clock = Stopwatch.StartNew();

        await emulator.DisposeAsync();
        try
        {
            await poll.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (RequestException)
        {
            // A connection closed during shutdown is fine too; hanging is not.
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3));
    }
}
