using System.Globalization;
using FamilyLinkBot.Conversations;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// Turns one outgoing message into one request to Telegram and its answer into a <see cref="SendOutcome"/>; it keeps
/// no state and writes nothing. 400 is the message's own fault, 403 the chat's, 429 a request to slow down, and
/// 5xx, network errors and time-outs say only that Telegram could not be reached this time. A 502 or 503 is a gateway
/// answering for the Bot API, which never saw the request: the outcome says Telegram did not count it
/// (docs/SEND-RATE.md).
/// </summary>
public sealed class TelegramSender(ITelegramBotClient bot, IOptions<DeliveryOptions> options)
{
    public async Task<SendOutcome> SendAsync(long chatId, Lane lane, OutgoingMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var markup = message.Keyboard is null
                ? null
                : new InlineKeyboardMarkup(message.Keyboard.Select(row => row.Select(b => InlineKeyboardButton.WithCallbackData(b.Text, b.CallbackData))));
            if (message.EditMessageId is { } editId)
            {
                try
                {
                    await bot.EditMessageText(chatId, editId, message.Text, ParseMode.Html, markup, cancellationToken: cancellationToken);
                }
                catch (ApiRequestException ex) when (ex.ErrorCode == 400 && ex.Message.Contains("not modified", StringComparison.OrdinalIgnoreCase))
                {
                    // Pressing the same button twice, or progress that did not move: nothing to change, which is success.
                }

                return new SendOutcome(SendResult.Sent) { MessageId = editId, Edited = true, DisappearAfterSeconds = message.DisappearAfterSeconds };
            }

            var sent = await bot.SendMessage(
                chatId,
                message.Text,
                ParseMode.Html,
                replyMarkup: markup,
                linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true },
                protectContent: message.Protect,
                allowPaidBroadcast: lane == Lane.Bulk && options.Value.AllowPaidBroadcast,
                cancellationToken: cancellationToken);
            return new SendOutcome(SendResult.Sent) { MessageId = sent.MessageId, DisappearAfterSeconds = message.DisappearAfterSeconds };
        }
        catch (ApiRequestException ex) when (ex.ErrorCode == 429)
        {
            return new SendOutcome(SendResult.RateLimited) { RetryAfter = TimeSpan.FromSeconds(ex.Parameters?.RetryAfter ?? 1) };
        }
        catch (ApiRequestException ex) when (ex.ErrorCode == 403)
        {
            return new SendOutcome(SendResult.Blocked) { Error = "403" };
        }
        catch (ApiRequestException ex) when (ex.ErrorCode == 400)
        {
            return new SendOutcome(SendResult.Refused) { Error = ErrorReason(ex) };
        }
        catch (ApiRequestException ex)
        {
            return Unreachable(ex.ErrorCode);
        }
        catch (HttpRequestException ex)
        {
            return ex.StatusCode is { } code ? Unreachable((int)code) : Unreachable("network");
        }
        catch (RequestException ex)
        {
            // A gateway's own error page (HTML, not the Bot API's JSON) cannot be read as an answer: Telegram.Bot throws
            // a RequestException carrying the HTTP status.
            return ex.HttpStatusCode is { } code && (int)code >= 400 ? Unreachable((int)code) : Unreachable("network");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unreachable("timeout");
        }
    }

    private static SendOutcome Unreachable(string error) => new(SendResult.Unreachable) { Error = error };

    private static SendOutcome Unreachable(int status) =>
        Unreachable(status.ToString(CultureInfo.InvariantCulture)) with { NotCounted = IsGatewayRefusal(status) };

    /// <summary>
    /// 502 Bad Gateway and 503 Service Unavailable: a gateway in front of the Bot API answered because it could not hand
    /// the request on, so Telegram never counted it. Not 504: the gateway did hand it on and stopped waiting, and the
    /// Bot API may have counted (and sent) it; not 500, which the Bot API itself answers; not a lost connection, which
    /// tells nothing.
    /// </summary>
    internal static bool IsGatewayRefusal(int status) => status is 502 or 503;

    /// <summary>Telegram's description up to its first detail: the detail may quote parts of our text.</summary>
    private static string ErrorReason(ApiRequestException ex)
    {
        var message = ex.Message;
        var first = message.IndexOf(':', StringComparison.Ordinal);
        var second = first < 0 ? -1 : message.IndexOf(':', first + 1);
        var reason = second < 0 ? message : message[..second];
        return "400 " + (reason.Length > 80 ? reason[..80] : reason);
    }
}

/// <summary>What became of one request.</summary>
public enum SendResult
{
    Sent,

    /// <summary>400: the message itself was refused; trying again would not help.</summary>
    Refused,

    /// <summary>403: the user blocked the bot or the chat is gone.</summary>
    Blocked,

    /// <summary>429: all sending must pause for <see cref="SendOutcome.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>5xx, a network error or a time-out: Telegram could not be reached this time.</summary>
    Unreachable,
}

/// <summary>The answer to one request, as the dispatcher needs it.</summary>
public sealed record SendOutcome(SendResult Result)
{
    public int? MessageId { get; init; }

    public bool Edited { get; init; }

    public int? DisappearAfterSeconds { get; init; }

    public string? Error { get; init; }

    public TimeSpan RetryAfter { get; init; }

    /// <summary>A gateway answered for Telegram (502, 503): the request never reached the Bot API, which did not count it.</summary>
    public bool NotCounted { get; init; }
}
