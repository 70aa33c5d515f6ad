using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot.Exceptions;

namespace FamilyLinkBot.Telegram;

/// <summary>
/// Says, at most once a minute, that Telegram cannot be reached and why, while the callers keep retrying with
/// back-off; and once when it answers again. An outage of hours thus leaves a few dozen lines, not thousands.
/// </summary>
public sealed class TelegramReachability(TimeProvider time, IOptions<TelegramOptions> options, ILogger<TelegramReachability> logger)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private DateTimeOffset? _lastLogged;
    private bool _failing;

    /// <summary>The host the bot talks to (never the path, which carries the token).</summary>
    public string Host => string.IsNullOrWhiteSpace(options.Value.ApiBaseUrl)
        ? "api.telegram.org"
        : Uri.TryCreate(options.Value.ApiBaseUrl, UriKind.Absolute, out var uri) ? uri.Authority : "Telegram:ApiBaseUrl";

    public void Failed(Exception error)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            _failing = true;
            if (_lastLogged is { } last && now - last < Quiet)
            {
                return;
            }

            _lastLogged = now;
        }

        logger.LogWarning("Cannot reach Telegram at {Host} ({Reason}); still trying.", Host, Describe(error));
    }

    public void Succeeded()
    {
        lock (_lock)
        {
            if (!_failing)
            {
                return;
            }

            _failing = false;
            _lastLogged = null;
        }

        logger.LogInformation("Telegram at {Host} answers again.", Host);
    }

    /// <summary>True for failures that retrying can cure: the network, a timeout, a 5xx or a 429 (not a refused token or a bad request).</summary>
    public static bool IsTransient(Exception error) => error switch
    {
        ApiRequestException api => api.ErrorCode is 429 or >= 500,
        RequestException or HttpRequestException or TimeoutException or OperationCanceledException => true,
        _ => false,
    };

    /// <summary>What failed, in a few words and without any part of the URL.</summary>
    public static string Describe(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case ApiRequestException api:
                    return "Telegram answered " + api.ErrorCode.ToString(CultureInfo.InvariantCulture);
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return "the name does not resolve";
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }:
                    return "connection refused or unreachable";
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }:
                    return "TLS handshake failed";
                case HttpRequestException { StatusCode: { } status }:
                    return "HTTP " + ((int)status).ToString(CultureInfo.InvariantCulture);
                case TimeoutException or TaskCanceledException:
                    return "timed out";
                case System.Net.Sockets.SocketException socket:
                    return socket.SocketErrorCode.ToString();
            }
        }

        return error.GetType().Name;
    }
}
