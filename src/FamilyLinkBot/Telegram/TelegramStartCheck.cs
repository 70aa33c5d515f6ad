using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace FamilyLinkBot.Telegram;

/// <summary>
/// Asks Telegram who the bot is (getMe) before anything is received or sent. A refused token (401, or 404 for one
/// Telegram cannot even parse) stops the start with the same line <c>check</c> prints: retrying cannot cure it, and a
/// bot looping on it looks alive. Network trouble is retried with back-off, logged at most once a minute.
/// </summary>
public sealed class TelegramStartCheck(ITelegramBotClient bot, TelegramReachability reachability, TimeProvider time, ILogger<TelegramStartCheck> logger)
    : IHostedService
{
    public static string RefusedMessage(int code) =>
        $"Bot API: the token was refused ({code.ToString(CultureInfo.InvariantCulture)}). Copy it again from @BotFather (Telegram:BotToken).";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                await bot.GetMe(cancellationToken);
                reachability.Succeeded();
                logger.LogInformation("Telegram accepted the bot token.");
                return;
            }
            catch (ApiRequestException ex) when (ex.ErrorCode is 401 or 404)
            {
                throw new Hosting.StartupException(RefusedMessage(ex.ErrorCode));
            }
            catch (ApiRequestException ex) when (!TelegramReachability.IsTransient(ex))
            {
                throw new Hosting.StartupException($"Bot API: getMe was answered {ex.ErrorCode.ToString(CultureInfo.InvariantCulture)}. Check Telegram:ApiBaseUrl.");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return; // stopped while waiting for Telegram: the host shuts down next
            }
            catch (Exception ex) when (TelegramReachability.IsTransient(ex))
            {
                reachability.Failed(ex);
                await Task.Delay(PollingService.RetryDelay(ex, failures), time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One getMe for <c>check</c>: whether it worked and the line to print.</summary>
    public static async Task<(bool Ok, string Message)> ProbeAsync(ITelegramBotClient bot, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bot);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            var me = await bot.GetMe(limit.Token);
            return (true, "Bot API reachable; the token belongs to @" + me.Username);
        }
        catch (ApiRequestException ex) when (ex.ErrorCode is 401 or 404)
        {
            return (false, RefusedMessage(ex.ErrorCode));
        }
        catch (Exception ex) when (TelegramReachability.IsTransient(ex) || ex is ApiRequestException)
        {
            return (false, "Bot API unreachable (" + TelegramReachability.Describe(ex) + "). Check Telegram:ApiBaseUrl and the network.");
        }
    }
}
