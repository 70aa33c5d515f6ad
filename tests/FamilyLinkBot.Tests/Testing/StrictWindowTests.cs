using FamilyLinkBot.Testing;
using Microsoft.Extensions.Time.Testing;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace FamilyLinkBot.Tests.Testing;

// The emulator's strict mode: sends and edits counted together in a sliding one-second window with no burst allowance.
public sealed class StrictWindowTests
{
    [Fact]
    public async Task StrictWindowRefusesTheRequestBeyondTheLimitWithRetryAfter()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { TimeProvider = time, StrictWindowMessages = 3 });
        var client = EmulatorClients.Client(emulator);
        var users = Enumerable.Range(0, 4).Select(_ => emulator.CreateUser()).ToList();

        for (var i = 0; i < 3; i++)
        {
            await client.SendMessage(users[i].ChatId, "within");
        }

        var error = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(users[3].ChatId, "beyond"));

        Assert.Equal(429, error.ErrorCode);
        Assert.Equal(1, error.Parameters?.RetryAfter);
        Assert.Empty(emulator.MessagesIn(users[3].ChatId));
        Assert.Equal(1, emulator.Count429);
        Assert.Equal(3, emulator.PeakMessagesInOneSecond);
    }

    [Fact]
    public async Task StrictWindowCountsEditsLikeSends()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { TimeProvider = time, StrictWindowMessages = 2 });
        var client = EmulatorClients.Client(emulator);
        var user = emulator.CreateUser();
        var other = emulator.CreateUser();

        var sent = await client.SendMessage(user.ChatId, "progress 0");
        await client.EditMessageText(user.ChatId, sent.Id, "progress 1");
        var editError = await Assert.ThrowsAsync<ApiRequestException>(() => client.EditMessageText(user.ChatId, sent.Id, "progress 2"));
        var sendError = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(other.ChatId, "a send after an edit"));

        Assert.Equal(429, editError.ErrorCode);
        Assert.Equal(429, sendError.ErrorCode);
        Assert.Equal("progress 1", Assert.Single(emulator.MessagesIn(user.ChatId)).Text);
    }

    [Fact]
    public async Task StrictWindowSlidesWithNoBurstAllowance()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { TimeProvider = time, StrictWindowMessages = 2 });
        var client = EmulatorClients.Client(emulator);
        var users = Enumerable.Range(0, 5).Select(_ => emulator.CreateUser()).ToList();

        await client.SendMessage(users[0].ChatId, "at 0 ms");
        time.Advance(TimeSpan.FromMilliseconds(600));
        await client.SendMessage(users[1].ChatId, "at 600 ms");
        time.Advance(TimeSpan.FromMilliseconds(399));
        // A token bucket of 2 a second would have refilled 2 × 0.999 s by now; the window still holds both.
        var early = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(users[2].ChatId, "at 999 ms"));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await client.SendMessage(users[3].ChatId, "at 1000 ms: the first left the window");
        var second = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(users[4].ChatId, "at 1000 ms again"));

        Assert.Equal(429, early.ErrorCode);
        Assert.Equal(429, second.ErrorCode);
        Assert.Single(emulator.MessagesIn(users[3].ChatId));
        Assert.Equal(2, emulator.PeakMessagesInOneSecond);
    }

    [Fact]
    public async Task StrictWindowDoesNotCountRefusedRequestsOrOtherMethods()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { TimeProvider = time, StrictWindowMessages = 1 });
        var client = EmulatorClients.Client(emulator);
        var users = Enumerable.Range(0, 3).Select(_ => emulator.CreateUser()).ToList();

        await client.SendMessage(users[0].ChatId, "counted");
        await client.GetMe();
        await client.SendChatAction(users[0].ChatId, global::Telegram.Bot.Types.Enums.ChatAction.Typing);
        await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(users[1].ChatId, "refused"));
        time.Advance(TimeSpan.FromSeconds(1));
        await client.SendMessage(users[2].ChatId, "a refused request did not push the window on");

        Assert.Single(emulator.MessagesIn(users[2].ChatId));
        Assert.Equal(1, emulator.PeakMessagesInOneSecond);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    public async Task StrictWindowDoesNotCountARequestAGatewayAnswered(int status)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { TimeProvider = time, StrictWindowMessages = 1, PerChatMessagesPerSecond = 1, PerChatBurst = 1 });
        var client = EmulatorClients.Client(emulator);
        var user = emulator.CreateUser();
        emulator.FailNext("sendMessage", status);

        var gateway = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(user.ChatId, "never reached the Bot API"));
        await client.SendMessage(user.ChatId, "the same second, the same chat: the only one counted");

        Assert.Equal(status, gateway.ErrorCode);
        Assert.Equal("the same second, the same chat: the only one counted", Assert.Single(emulator.MessagesIn(user.ChatId)).Text);
        Assert.Equal(1, emulator.PeakMessagesInOneSecond);
        Assert.Equal(0, emulator.Count429);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(504)]
    public async Task StrictWindowCountsARequestTheBotApiSaw(int status)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions { TimeProvider = time, StrictWindowMessages = 1 });
        var client = EmulatorClients.Client(emulator);
        var users = Enumerable.Range(0, 3).Select(_ => emulator.CreateUser()).ToList();
        emulator.FailNext("sendMessage", status);

        var failed = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(users[0].ChatId, "reached the Bot API, then failed"));
        var limited = await Assert.ThrowsAsync<ApiRequestException>(() => client.SendMessage(users[1].ChatId, "the same second"));
        time.Advance(TimeSpan.FromSeconds(1));
        await client.SendMessage(users[2].ChatId, "a second later");

        Assert.Equal(status, failed.ErrorCode);
        Assert.Equal(429, limited.ErrorCode);
        Assert.Empty(emulator.MessagesIn(users[0].ChatId));
        Assert.Single(emulator.MessagesIn(users[2].ChatId));
    }

    [Fact]
    public async Task StrictWindowWithRandom502sAnswersBoth()
    {
        await using var emulator = await BotApiEmulator.StartAsync(new BotApiEmulatorOptions
        {
            StrictWindowMessages = 1000,
            RandomFaults = new FaultProfile(Rate502: 0.05, Seed: 3),
        });
        var client = EmulatorClients.Client(emulator);
        var user = emulator.CreateUser();

        for (var i = 0; i < 200; i++)
        {
            await EmulatorClients.PostJsonAsync(emulator, "sendMessage", $$"""{"chat_id":{{user.ChatId}},"text":"{{i}}"}""");
        }

        var statuses = emulator.Requests.Select(r => r.StatusCode).ToList();
        Assert.InRange(statuses.Count(s => s == 502), 1, 30);
        Assert.Equal(200 - statuses.Count(s => s == 502), emulator.MessagesIn(user.ChatId).Count);
        Assert.DoesNotContain(429, statuses);
    }
}
