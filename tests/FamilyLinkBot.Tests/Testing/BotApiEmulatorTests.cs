using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FamilyLinkBot.Testing;
using Microsoft.Extensions.Time.Testing;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace FamilyLinkBot.Tests.Testing;

// The emulator driven by the real Telegram.Bot client over HTTP: answers and errors as Telegram gives them.
public sealed class BotApiEmulatorTests
{
    [Fact]
    public async Task GetMeReturnsTheTestBot()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var me = await EmulatorClients.Client(emulator).GetMe();

        Assert.True(me.IsBot);
        Assert.Equal("FamilyLinkTestBot", me.Username);
        Assert.Equal(emulator.BotId, me.Id);
        Assert.StartsWith($"{emulator.BotId}:AA", emulator.Token);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", emulator.BaseUrl);
    }

    [Fact]
    public async Task SendMessageIsRecordedAndShownInTheChat()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var sent = await EmulatorClients.Client(emulator).SendMessage(user.ChatId, "<b>Hello</b>", ParseMode.Html, protectContent: true);

        var shown = Assert.Single(emulator.MessagesIn(user.ChatId));
        Assert.Equal(sent.Id, shown.MessageId);
        Assert.Equal("Hello", shown.Text);
        Assert.Equal("Hello", sent.Text);
        Assert.Equal("<b>Hello</b>", shown.RawText);
        Assert.Equal(ParseMode.Html, shown.ParseMode);
        Assert.True(shown.ProtectContent);
        Assert.Equal(MessageEntityType.Bold, Assert.Single(shown.Entities).Type);
        var request = Assert.Single(emulator.Requests, r => r.Method == "sendMessage");
        Assert.Equal(200, request.StatusCode);
        Assert.Equal(user.ChatId, request.ChatId);
    }

    [Fact]
    public async Task HtmlWithBareTagAndAmpersandIsRefused()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();

        var error = await Assert.ThrowsAsync<ApiRequestException>(
            () => EmulatorClients.Client(emulator).SendMessage(user.ChatId, "Name: <b>&", ParseMode.Html));

        Assert.Equal(400, error.ErrorCode);
        Assert.Contains("can't parse entities", error.Message);
        Assert.Empty(emulator.MessagesIn(user.ChatId));
    }

    [Fact]
    public async Task EscapedHtmlComesBackAsTyped()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();

        await EmulatorClients.Client(emulator).SendMessage(user.ChatId, "&lt;b&gt;&amp;", ParseMode.Html);

        var shown = Assert.Single(emulator.MessagesIn(user.ChatId));
        Assert.Equal("<b>&", shown.Text);
        Assert.Equal("&lt;b&gt;&amp;", shown.RawText);
    }

    [Fact]
    public async Task MarkdownV2WithUnescapedDotIsRefused()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);

        var error = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(user.ChatId, "Done.", ParseMode.MarkdownV2));
        await client.SendMessage(user.ChatId, "*Done*\\.", ParseMode.MarkdownV2);

        Assert.Contains("can't parse entities: Character '.' is reserved", error.Message);
        Assert.Equal("Done.", Assert.Single(emulator.MessagesIn(user.ChatId)).Text);
    }

    [Fact]
    public async Task UnknownParseModeIsRefused()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();

        var (status, body) = await EmulatorClients.PostJsonAsync(emulator, "sendMessage", $$"""{"chat_id":{{user.ChatId}},"text":"hi","parse_mode":"BBCode"}""");

        Assert.Equal(400, status);
        Assert.Contains("Bad Request: unsupported parse_mode", body);
    }

    [Fact]
    public async Task TextLongerThan4096CharactersIsRefused()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);

        await client.SendMessage(user.ChatId, new string('가', 4096));
        var error = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(user.ChatId, new string('가', 4097)));

        Assert.Equal(400, error.ErrorCode);
        Assert.Equal("Bad Request: message is too long", error.Message);
    }

    [Fact]
    public async Task CallbackDataOver64BytesIsRefused()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);

        await client.SendMessage(user.ChatId, "ok", replyMarkup: new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("A", new string('x', 64))));
        var error = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(
            user.ChatId, "too long", replyMarkup: new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("A", new string('x', 65)))));
        var multibyte = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(
            user.ChatId, "22 Hangul syllables are 66 bytes", replyMarkup: new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("A", new string('가', 22)))));

        Assert.Equal("Bad Request: BUTTON_DATA_INVALID", error.Message);
        Assert.Equal("Bad Request: BUTTON_DATA_INVALID", multibyte.Message);
    }

    [Fact]
    public async Task SendToUnknownChatIsChatNotFound()
    {
        await using var emulator = await BotApiEmulator.StartAsync();

        var error = await Assert.ThrowsAsync<ApiRequestException>(() => EmulatorClients.Client(emulator).SendMessage(123456789, "hi"));

        Assert.Equal(400, error.ErrorCode);
        Assert.Equal("Bad Request: chat not found", error.Message);
    }

    [Fact]
    public async Task SendToUserWhoBlockedTheBotIsForbidden()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        emulator.Block(user.ChatId);

        var error = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(user.ChatId, "hi"));
        emulator.Unblock(user.ChatId);
        await client.SendMessage(user.ChatId, "hi again");

        Assert.Equal(403, error.ErrorCode);
        Assert.Equal("Forbidden: bot was blocked by the user", error.Message);
    }

    [Fact]
    public async Task SendingFasterThanThePerChatLimitGets429WithRetryAfter()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions
        {
            TimeProvider = time,
            PerChatMessagesPerSecond = 1,
            PerChatBurst = 3,
        });
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);

        for (var i = 0; i < 3; i++)
        {
            await client.SendMessage(user.ChatId, $"burst {i}");
        }

        var error = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(user.ChatId, "one too many"));
        time.Advance(TimeSpan.FromSeconds(1));
        await client.SendMessage(user.ChatId, "after waiting");

        Assert.Equal(429, error.ErrorCode);
        Assert.Equal("Too Many Requests: retry after 1", error.Message);
        Assert.Equal(1, error.Parameters?.RetryAfter);
        Assert.Equal(1, emulator.Count429);
    }

    [Fact]
    public async Task SendingFasterThanTheGlobalLimitGets429()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { TimeProvider = time, GlobalMessagesPerSecond = 2 });
        var client = EmulatorClients.Client(emulator);
        var users = Enumerable.Range(0, 3).Select(_ => emulator.CreateUser()).ToList();

        await client.SendMessage(users[0].ChatId, "1");
        await client.SendMessage(users[1].ChatId, "2");
        var error = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(users[2].ChatId, "3"));

        Assert.Equal(429, error.ErrorCode);
        Assert.Equal(1, emulator.Count429);
    }

    [Fact]
    public async Task EditWithSameTextAndMarkupIsNotModified()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        var keyboard = new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("Yes", "y"));
        var sent = await client.SendMessage(user.ChatId, "<i>Question?</i>", ParseMode.Html, replyMarkup: keyboard);

        var error = await Assert.ThrowsAsync<ApiRequestException>(
            () => client.EditMessageText(user.ChatId, sent.Id, "<i>Question?</i>", ParseMode.Html, replyMarkup: keyboard));
        var edited = await client.EditMessageText(user.ChatId, sent.Id, "Answered");

        Assert.StartsWith("Bad Request: message is not modified: specified new message content and reply markup are exactly the same", error.Message);
        Assert.Equal("Answered", edited.Text);
        var shown = Assert.Single(emulator.MessagesIn(user.ChatId));
        Assert.Equal(1, shown.EditCount);
        Assert.Null(shown.ReplyMarkup); // an edit without reply_markup removes the keyboard, as on Telegram
    }

    [Fact]
    public async Task EditOfMissingMessageIsRefused()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();

        var error = await Assert.ThrowsAsync<ApiRequestException>(() => EmulatorClients.Client(emulator).EditMessageText(user.ChatId, 999, "x"));

        Assert.Equal("Bad Request: message to edit not found", error.Message);
    }

    [Fact]
    public async Task DeleteOfMessageOlderThan48HoursIsRefused()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { TimeProvider = time });
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        var old = await client.SendMessage(user.ChatId, "old");
        time.Advance(TimeSpan.FromHours(47));
        var recent = await client.SendMessage(user.ChatId, "recent");
        time.Advance(TimeSpan.FromHours(1));

        var error = await Assert.ThrowsAsync<ApiRequestException>(() => client.DeleteMessage(user.ChatId, old.Id));
        await client.DeleteMessage(user.ChatId, recent.Id);
        var again = await Assert.ThrowsAsync<ApiRequestException>(() => client.DeleteMessage(user.ChatId, recent.Id));

        Assert.Equal("Bad Request: message can't be deleted", error.Message);
        Assert.Equal("Bad Request: message to delete not found", again.Message);
        Assert.Equal([false, true], emulator.MessagesIn(user.ChatId).Select(m => m.IsDeleted));
    }

    [Fact]
    public async Task DeleteMessagesSkipsMissingOnesAndDeletesTheRest()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        var own = emulator.SendText(user, "my secret");
        var reply = await client.SendMessage(user.ChatId, "noted");

        await client.DeleteMessages(user.ChatId, [own.Id, reply.Id, 4242]);

        Assert.All(emulator.MessagesIn(user.ChatId), m => Assert.True(m.IsDeleted));
    }

    [Fact]
    public async Task MissingChatIdIsRefused()
    {
        await using var emulator = await BotApiEmulator.StartAsync();

        var (status, body) = await EmulatorClients.PostJsonAsync(emulator, "sendMessage", """{"text":"hi"}""");

        Assert.Equal(400, status);
        Assert.Equal("""{"ok":false,"error_code":400,"description":"Bad Request: chat_id is empty"}""", body);
    }

    [Fact]
    public async Task MissingTextIsRefused()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();

        var (status, body) = await EmulatorClients.PostJsonAsync(emulator, "sendMessage", $$"""{"chat_id":{{user.ChatId}}}""");

        Assert.Equal(400, status);
        Assert.Contains("Bad Request: message text is empty", body);
    }

    [Fact]
    public async Task ChatIdOfWrongTypeIsRefused()
    {
        await using var emulator = await BotApiEmulator.StartAsync();

        var (status, body) = await EmulatorClients.PostJsonAsync(emulator, "sendMessage", """{"chat_id":true,"text":"hi"}""");

        Assert.Equal(400, status);
        Assert.Contains("""field \"chat_id\" must be of type Integer or String""", body);
    }

    [Fact]
    public async Task MalformedKeyboardIsRefused()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();

        var (status, body) = await EmulatorClients.PostJsonAsync(
            emulator, "sendMessage", $$$"""{"chat_id":{{{user.ChatId}}},"text":"hi","reply_markup":{"inline_keyboard":[[{"callback_data":"x"}]]}}""");

        Assert.Equal(400, status);
        Assert.Contains("can't parse reply keyboard markup JSON object", body);
        Assert.Contains("inline_keyboard[0][0].text", body);
    }

    [Fact]
    public async Task UnknownMethodIsNotFound()
    {
        await using var emulator = await BotApiEmulator.StartAsync();

        var (status, body) = await EmulatorClients.PostJsonAsync(emulator, "sendTelepathy", "{}");

        Assert.Equal(404, status);
        Assert.Equal("""{"ok":false,"error_code":404,"description":"Not Found"}""", body);
    }

    [Fact]
    public async Task WrongTokenIsUnauthorized()
    {
        await using var emulator = await BotApiEmulator.StartAsync();

        var (status, body) = await EmulatorClients.PostJsonAsync(emulator, "getMe", "{}", token: "123456:AAwrongwrongwrongwrongwrongwrongwrong");

        Assert.Equal(401, status);
        Assert.Equal("""{"ok":false,"error_code":401,"description":"Unauthorized"}""", body);
    }

    [Fact]
    public async Task ChunkedRequestBodyIsAccepted()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{emulator.BaseUrl}/bot{emulator.Token}/sendMessage"));
        request.Headers.TransferEncodingChunked = true;
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"chat_id":{{user.ChatId}},"text":"chunked"}""")));
        request.Content.Headers.ContentType = new("application/json");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chunked", Assert.Single(emulator.MessagesIn(user.ChatId)).Text);
    }

    [Fact]
    public async Task OtherMethodsInTheReferenceAnswerTrueOrAMessage()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        var sent = await client.SendMessage(user.ChatId, "pin me");

        await client.PinChatMessage(user.ChatId, sent.Id);
        var photo = await client.SendPhoto(user.ChatId, InputFile.FromFileId("AgACAgIAAxkBAAIBcGZ"), caption: "<b>look</b>", parseMode: ParseMode.Html);

        Assert.Contains(emulator.Requests, r => r.Method == "pinChatMessage" && r.Succeeded);
        Assert.NotNull(photo.Photo);
        Assert.Equal("look", photo.Caption);
        Assert.Equal("photo", emulator.MessagesIn(user.ChatId)[^1].Kind);
    }

    [Fact]
    public async Task CommandsRoundTripAndInvalidNamesAreRefused()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var client = EmulatorClients.Client(emulator);

        await client.SetMyCommands([new BotCommand { Command = "start", Description = "Start" }], languageCode: "ko");
        var korean = await client.GetMyCommands(languageCode: "ko");
        var fallback = await client.GetMyCommands();
        var error = await Assert.ThrowsAsync<ApiRequestException>(
            () => client.SetMyCommands([new BotCommand { Command = "Not-Valid", Description = "x" }]));
        await client.DeleteMyCommands(languageCode: "ko");

        Assert.Equal("start", Assert.Single(korean).Command);
        Assert.Empty(fallback);
        Assert.Equal("Bad Request: BOT_COMMAND_INVALID", error.Message);
        Assert.Empty(await client.GetMyCommands(languageCode: "ko"));
    }

    [Fact]
    public async Task AnswerCallbackQueryOnlyOnceAndNotAfter15Minutes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { TimeProvider = time });
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        var menu = await client.SendMessage(user.ChatId, "Pick", replyMarkup: new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("A", "a")));
        var fresh = emulator.Press(user, menu, "a");
        var stale = emulator.Press(user, menu, "a");

        await client.AnswerCallbackQuery(fresh.Id, "Done");
        var twice = await Assert.ThrowsAsync<ApiRequestException>(() => client.AnswerCallbackQuery(fresh.Id));
        var unknown = await Assert.ThrowsAsync<ApiRequestException>(() => client.AnswerCallbackQuery("12345"));
        time.Advance(TimeSpan.FromMinutes(16));
        var afterExpiry = await Assert.ThrowsAsync<ApiRequestException>(() => client.AnswerCallbackQuery(stale.Id));

        const string Expected = "Bad Request: query is too old and response timeout expired or query ID is invalid";
        Assert.Equal(Expected, afterExpiry.Message);
        Assert.Equal(Expected, twice.Message);
        Assert.Equal(Expected, unknown.Message);
        Assert.Equal("Done", Assert.Single(emulator.CallbackAnswers).Text);
    }

    [Fact]
    public async Task InjectedFaultsReachTheClient()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var client = EmulatorClients.Client(emulator);
        emulator.FailNext("sendMessage", 502);
        emulator.FailNext("sendMessage", 429, retryAfter: 7);
        emulator.DropConnectionNext("sendMessage");
        emulator.DropConnectionNext("sendMessage", afterEffect: true);

        var badGateway = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(user.ChatId, "1"));
        var flood = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(user.ChatId, "2"));
        await Assert.ThrowsAnyAsync<RequestException>(() => client.SendMessage(user.ChatId, "3 (lost before sending)"));
        await Assert.ThrowsAnyAsync<RequestException>(() => client.SendMessage(user.ChatId, "4 (sent, answer lost)"));
        await client.SendMessage(user.ChatId, "5");

        Assert.Equal(502, badGateway.ErrorCode);
        Assert.Equal(7, flood.Parameters?.RetryAfter);
        Assert.Equal(["4 (sent, answer lost)", "5"], emulator.MessagesIn(user.ChatId).Select(m => m.Text));
        Assert.Equal([502, 429, 0, 0, 200], emulator.Requests.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task RandomFaultsFollowTheSeed()
    {
        var profile = new FaultProfile(Rate429: 0.2, Rate502: 0.2, RateDrop: 0, Seed: 7);
        var first = await StatusesUnder(profile);
        var second = await StatusesUnder(profile);

        Assert.Equal(first, second);
        Assert.Contains(429, first);
        Assert.Contains(502, first);
        Assert.Contains(200, first);

        static async Task<List<int>> StatusesUnder(FaultProfile profile)
        {
            await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { RandomFaults = profile });
            var user = emulator.CreateUser();
            for (var i = 0; i < 30; i++)
            {
                await EmulatorClients.PostJsonAsync(emulator, "sendMessage", $$"""{"chat_id":{{user.ChatId}},"text":"{{i}}"}""");
            }

            return emulator.Requests.Select(r => r.StatusCode).ToList();
        }
    }

    [Fact]
    public async Task WaitForBotMessageTimesOutNamingMethodsButNoUserIds()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        await EmulatorClients.Client(emulator).SendMessage(user.ChatId, "Welcome");

        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => emulator.WaitForBotMessageAsync(user.ChatId, m => m.Text == "Never", TimeSpan.FromMilliseconds(100)));

        Assert.Contains("sendMessage → 200", error.Message);
        Assert.Contains("Welcome", error.Message);
        Assert.DoesNotContain(user.ChatId.ToString(), error.Message);
    }

    [Fact]
    public async Task WaitForBotMessageReturnsAsSoonAsTheBotSends()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser();
        var waiting = emulator.WaitForBotMessageAsync(user.ChatId, m => m.Text.StartsWith("Token"));

        await EmulatorClients.Client(emulator).SendMessage(user.ChatId, "Token: FL-7KQ2");

        Assert.Equal("Token: FL-7KQ2", (await waiting).Text);
    }

    [Fact]
    public async Task UserIdsAreLargeAndDistinctAndGroupsAreSupergroups()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var a = emulator.CreateUser("A");
        var b = emulator.CreateUser("B");
        var group = emulator.CreateGroup("Families");

        Assert.True(a.Id > 5_000_000_000);
        Assert.NotEqual(a.Id, b.Id);
        Assert.StartsWith("-100", group.Id.ToString());
        Assert.Equal(ChatType.Supergroup, group.Type);
    }

    [Fact]
    public async Task EmulatorRefusesAMalformedToken()
    {
        await Assert.ThrowsAsync<ArgumentException>(
            () => BotApiEmulator.StartAsync(new BotApiEmulatorOptions { Token = "not-a-token" }));
    }

    [Fact]
    public async Task AnswersHaveTelegramsJsonShape()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var user = emulator.CreateUser("Min", username: "min_k");

        var (status, body) = await EmulatorClients.PostJsonAsync(emulator, "sendMessage", $$"""{"chat_id":"{{user.ChatId}}","text":"hi"}""");

        Assert.Equal(200, status);
        var json = JsonNode.Parse(body)!;
        Assert.True(json["ok"]!.GetValue<bool>());
        var message = json["result"]!;
        Assert.Equal(1, message["message_id"]!.GetValue<int>());
        Assert.True(message["date"]!.GetValue<long>() > 1_600_000_000);
        Assert.Equal("private", message["chat"]!["type"]!.GetValue<string>());
        Assert.Equal(user.ChatId, message["chat"]!["id"]!.GetValue<long>());
        Assert.True(message["from"]!["is_bot"]!.GetValue<bool>());
        Assert.Equal("hi", message["text"]!.GetValue<string>());
        Assert.DoesNotContain("null", body);
    }

    [Fact]
    public async Task UsersCannotBeAddressedByUsername()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        emulator.CreateUser(username: "min_k");

        var error = await Assert.ThrowsAsync<ApiRequestException>(() => EmulatorClients.Client(emulator).SendMessage("@min_k", "hi"));

        Assert.Equal("Bad Request: chat not found", error.Message);
    }

    [Fact]
    public async Task EmulatorWithLoggingStillAnswers()
    {
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { Logging = true });

        Assert.True((await EmulatorClients.Client(emulator).GetMe()).IsBot);
    }

    [Fact]
    public async Task DisposingTwiceIsHarmless()
    {
        var emulator = await BotApiEmulator.StartAsync();

        await emulator.DisposeAsync();
        await emulator.DisposeAsync();
    }

    [Fact]
    public void RecordedRequestPrintsNoBody()
    {
        var request = new RecordedRequest("sendMessage", """{"chat_id":5000104729}""", 200, null, DateTimeOffset.UtcNow, 5000104729);

        Assert.Equal("sendMessage → 200", request.ToString());
        Assert.Null(JsonNode.Parse(request.Body)?["text"]);
    }
}
