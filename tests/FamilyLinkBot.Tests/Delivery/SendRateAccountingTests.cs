using System.Collections.Concurrent;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FamilyLinkBot.Tests.Delivery;

/// <summary>
/// Every request Telegram counts against the bot's rate — replies, menu edits on a button press, the group answer,
/// the farewell after /forget — took a slot of the one send rate first (docs/DESIGN.md#8-delivery).
/// </summary>
public sealed class SendRateAccountingTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly CountingLimiter _limiter = new();
    private BotApiEmulator _emulator = null!;
    private TestBot _bot = null!;

    public async Task InitializeAsync()
    {
        _emulator = await BotApiEmulator.StartAsync();
        _bot = await TestBot.StartAsync(_emulator, _folder.Path, services: s => s.AddSingleton<ISendRateLimiter>(_limiter));
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _emulator.DisposeAsync();
        LogSafety.AssertClean(_bot.Logs, _emulator);
        _folder.Dispose();
    }

    private static string En(string key) => Texts.Shared.Get(Language.En, key);

    [Fact]
    public async Task EverySendAndEditTakesASlotOfTheSendRate()
    {
        var family = _emulator.Driver(_emulator.CreateUser(languageCode: "en"));
        await family.Says("/start");
        await family.Presses("English");
        var menu = await family.Says("/subscribe");
        var pressed = await family.Presses(En("topic.border"));
        Assert.Equal(menu.MessageId, pressed.MessageId); // the menu was edited in place
        var someone = _emulator.CreateUser(languageCode: "en");
        var group = _emulator.CreateGroup("Families");
        _emulator.SendText(someone, "hello", group);
        await _emulator.WaitUntilAsync(() => _emulator.MessagesIn(group.Id).Any(m => m.IsFromBot), TimeSpan.FromSeconds(10));
        await family.Says("/forget");
        await family.Presses(En("button.erase_everything"));
        await _emulator.WaitUntilAsync(() => family.Replies.Any(r => r.Text == En("forget.done")), TimeSpan.FromSeconds(10));

        var counted = _emulator.Requests.Where(r => r.Method.StartsWith("send", StringComparison.Ordinal) || r.Method.StartsWith("editMessage", StringComparison.Ordinal)).ToList();
        Assert.Contains(counted, r => r.Method == "editMessageText");
        Assert.Equal(counted.Count, _limiter.Acquired.Count);
        Assert.True(_limiter.Answered.Count >= counted.Count, "every slot is given back once Telegram has answered");
        Assert.All(_limiter.Acquired, lane => Assert.Equal(Lane.Interactive, lane)); // all of them answered someone
    }

    private sealed class CountingLimiter : ISendRateLimiter
    {
        public ConcurrentQueue<Lane> Acquired { get; } = new();

        public ConcurrentQueue<Lane> Answered { get; } = new();

        public ValueTask<ISendSlot> AcquireAsync(Lane lane, CancellationToken cancellationToken)
        {
            Acquired.Enqueue(lane);
            return ValueTask.FromResult<ISendSlot>(new Slot(this, lane));
        }

        private sealed class Slot(CountingLimiter owner, Lane lane) : ISendSlot
        {
            public void Dispose() => owner.Answered.Enqueue(lane);

            public void Refund() => owner.Answered.Enqueue(lane);
        }
    }
}
