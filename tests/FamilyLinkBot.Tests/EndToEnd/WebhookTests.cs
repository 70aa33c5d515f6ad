using System.Net;
using System.Text;
using System.Text.Json;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Telegram;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>Webhook mode (docs/DESIGN.md#9-running-it): the secret header is required on every request; updates share the polling pipeline.</summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private const string Secret = "webhook-secret_0123456789";
    private readonly TempFolder _folder = new();
    private readonly HttpClient _http = new();
    private BotApiEmulator _emulator = null!;
    private TestBot _bot = null!;
    private int _nextUpdateId = 1000;

    public async Task InitializeAsync()
    {
        _emulator = await BotApiEmulator.StartAsync();
        _bot = await TestBot.StartAsync(_emulator, _folder.Path, new Dictionary<string, string?>
        {
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookUrl"] = "https://bot.example.org/telegram/hook",
            ["Telegram:WebhookSecret"] = Secret,
            ["Telegram:ListenUrl"] = "http://127.0.0.1:0",
        });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _bot.DisposeAsync();
        await _emulator.DisposeAsync();
        LogSafety.AssertClean(_bot.Logs, _emulator, [Secret]);
        _folder.Dispose();
    }

    private string HookUrl => _bot.Service<WebhookReceiver>().BoundUrl + "/telegram/hook";

    [Fact]
    public async Task StartRegistersTheWebhookWithItsSecretAndDoesNotPoll()
    {
        await _emulator.WaitUntilAsync(() => _emulator.Requests.Any(r => r.Method == "setWebhook"), TimeSpan.FromSeconds(10));

        var request = JsonDocument.Parse(_emulator.Requests.First(r => r.Method == "setWebhook").Body).RootElement;
        Assert.Equal("https://bot.example.org/telegram/hook", request.GetProperty("url").GetString());
        Assert.Equal(Secret, request.GetProperty("secret_token").GetString());
        Assert.DoesNotContain(_emulator.Requests, r => r.Method == "getUpdates");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-secret_0123456789")]
    [InlineData(Secret + "x")]
    public async Task RequestWithoutTheRightSecretIsRefusedAndDropped(string? secret)
    {
        var user = _emulator.CreateUser(languageCode: "en");

        var response = await PostAsync(StartUpdate(user), secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await Task.Delay(300);
        Assert.DoesNotContain(_emulator.MessagesIn(user.Id), m => m.IsFromBot);
    }

    [Fact]
    public async Task RequestWithTheRightSecretIsAnsweredThroughThePipeline()
    {
        var user = _emulator.CreateUser(languageCode: "en");
        var update = StartUpdate(user);

        var response = await PostAsync(update, Secret);
        var again = await PostAsync(update, Secret); // Telegram's redelivery of the same update

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var reply = await _emulator.WaitForBotMessageAsync(user.Id);
        Assert.Equal(["한국어", "English", "中文"], reply.ButtonLabels);
        await Task.Delay(300);
        Assert.Single(_emulator.MessagesIn(user.Id), m => m.IsFromBot);
    }

    [Fact]
    public async Task RequestsArrivingTogetherAreEachAppliedOnceBeforeTheirAnswer()
    {
        // Telegram keeps up to 40 requests open: those that arrive together are applied as one batch. Each is answered
        // 200 only once stored, a redelivery in the same burst is applied once, and every family gets its one reply.
        var users = Enumerable.Range(0, 30).Select(_ => _emulator.CreateUser(languageCode: "en")).ToList();
        var updates = users.Select(StartUpdate).ToList();
        var burst = updates.Concat(updates.Take(10)).Select(u => PostAsync(u, Secret)).ToList();

        var answers = await Task.WhenAll(burst);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        await using (var db = await _bot.Service<Database>().ReadAsync(CancellationToken.None))
        {
            await using var stored = db.Command("SELECT COUNT(*) FROM processed_updates WHERE update_id >= @first;").With("@first", updates[0].Id);
            Assert.Equal(30L, Convert.ToInt64(await stored.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        }

        await _emulator.WaitUntilAsync(() => users.All(u => _emulator.MessagesIn(u.Id).Any(m => m.IsFromBot)), TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        Assert.All(users, u => Assert.Single(_emulator.MessagesIn(u.Id), m => m.IsFromBot));
    }

    [Fact]
    public async Task MalformedBodyWithTheSecretGetsBadRequestAndTheBotKeepsWorking()
    {
        var response = await PostRawAsync("{\"update_id\": \"not a number\", \"message\": 5", Secret);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var user = _emulator.CreateUser(languageCode: "en");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(StartUpdate(user), Secret)).StatusCode);
    }

    private Update StartUpdate(EmulatedUser user) => new()
    {
        Id = Interlocked.Increment(ref _nextUpdateId),
        Message = new Message
        {
            Id = 1,
            Date = DateTime.UtcNow,
            Chat = user.ToPrivateChat(),
            From = user.ToUser(),
            Text = "/start",
            Entities = [new MessageEntity { Type = MessageEntityType.BotCommand, Offset = 0, Length = 6 }],
        },
    };

    private Task<HttpResponseMessage> PostAsync(Update update, string? secret) =>
        PostRawAsync(JsonSerializer.Serialize(update, JsonBotAPI.Options), secret);

    private async Task<HttpResponseMessage> PostRawAsync(string json, string? secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, HookUrl) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (secret is not null)
        {
            request.Headers.Add(WebhookReceiver.SecretHeader, secret);
        }

        return await _http.SendAsync(request);
    }
}
