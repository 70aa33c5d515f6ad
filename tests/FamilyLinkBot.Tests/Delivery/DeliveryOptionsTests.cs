using FamilyLinkBot.Delivery;

namespace FamilyLinkBot.Tests.Delivery;

public sealed class DeliveryOptionsTests
{
    [Theory]
    [InlineData(false, "", 30)]
    [InlineData(true, "", 1000)]
    [InlineData(true, "https://api.telegram.org", 1000)]
    [InlineData(false, "http://10.0.0.5:8081", 30)] // a self-hosted Bot API server elsewhere still talks to Telegram
    [InlineData(false, "http://127.0.0.1:5081", 100_000)]
    [InlineData(true, "http://localhost:8081", 100_000)]
    [InlineData(false, "not a url", 30)]
    public void TelegramLimitsHoldUnlessTheBotApiIsOnLoopback(bool paid, string baseUrl, int expected) =>
        Assert.Equal(expected, DeliveryOptions.MaxRate(paid, baseUrl));
}
