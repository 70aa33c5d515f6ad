using System.Net;
using System.Text;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace FamilyLinkBot.Tests.Delivery;

/// <summary>
/// Which failed answers Telegram did not count (docs/SEND-RATE.md): only a gateway's 502 or 503, whether it comes as
/// the Bot API's JSON or as the gateway's own HTML page.
/// </summary>
public sealed class TelegramSenderTests
{
    private const string GatewayPage = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";

    [Theory]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(500, false)]
    [InlineData(504, false)]
    public async Task SendAnsweredWithAServerErrorIsNotCountedOnlyFromAGateway(int status, bool notCounted)
    {
        var json = $$"""{"ok":false,"error_code":{{status}},"description":"error {{status}}"}""";

        var outcome = await SendAsync(new Answer((HttpStatusCode)status, json, "application/json"));

        Assert.Equal(SendResult.Unreachable, outcome.Result);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.Error);
        Assert.Equal(notCounted, outcome.NotCounted);
    }

    [Fact]
    public async Task SendAnsweredWithAGatewaysOwnErrorPageIsNotCounted()
    {
        var outcome = await SendAsync(new Answer(HttpStatusCode.BadGateway, GatewayPage, "text/html"));

        Assert.Equal(SendResult.Unreachable, outcome.Result);
        Assert.Equal("502", outcome.Error);
        Assert.True(outcome.NotCounted);
    }

    [Fact]
    public async Task SendThatLosesItsConnectionStaysCounted()
    {
        var outcome = await SendAsync(new Answer(null, "", "text/plain"));

        Assert.Equal(SendResult.Unreachable, outcome.Result);
        Assert.Equal("network", outcome.Error);
        Assert.False(outcome.NotCounted); // it may have arrived: nobody can tell
    }

    private static async Task<SendOutcome> SendAsync(Answer answer)
    {
        using var http = new HttpClient(answer);
        var bot = new TelegramBotClient(new TelegramBotClientOptions("123456:" + new string('A', 35)) { RetryThreshold = 0, RetryCount = 0 }, http);
        var sender = new TelegramSender(bot, Options.Create(new DeliveryOptions()));
        return await sender.SendAsync(42, Lane.Bulk, new OutgoingMessage { Text = "hello" }, CancellationToken.None);
    }

    /// <summary>One fixed HTTP answer, or (status null) a connection that drops.</summary>
    private sealed class Answer(HttpStatusCode? status, string body, string mediaType) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            status is { } code
                ? Task.FromResult(new HttpResponseMessage(code) { Content = new StringContent(body, Encoding.UTF8, mediaType) })
                : throw new HttpRequestException("The response ended prematurely.");
    }
}
