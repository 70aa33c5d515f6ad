using System.Net;

namespace FamilyLinkBot.Monitoring;

/// <summary>
/// Counts every Bot API request by method and outcome at the HTTP edge, and notes the last success for /healthz.
/// Only the method name is read from the URL (which also carries the token), and only if it looks like one.
/// </summary>
public sealed class TelegramCallRecorder(BotMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var method = MethodOf(request.RequestUri);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // the bot is stopping or gave up itself: not Telegram's doing
        }
        catch (OperationCanceledException)
        {
            metrics.TelegramCall(method, "timeout");
            throw;
        }
        catch (HttpRequestException)
        {
            metrics.TelegramCall(method, "network");
            throw;
        }

        metrics.TelegramCall(method, Outcome(response.StatusCode));
        return response;
    }

    internal static string Outcome(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => "ok",
        429 => "rate_limited",
        403 => "blocked",
        401 or 404 => "refused",
        400 => "bad_request",
        >= 500 => "server_error",
        _ => "other",
    };

    /// <summary>
    /// The Bot API method, the URL's last segment (/bot&lt;token&gt;/sendMessage); "other" for anything unexpected. Letters
    /// only: a token (digits and a colon) can never pass for a method name.
    /// </summary>
    internal static string MethodOf(Uri? uri)
    {
        var path = uri?.AbsolutePath ?? "";
        var method = path[(path.LastIndexOf('/') + 1)..];
        return method.Length is > 0 and <= 40 && method.All(char.IsAsciiLetter)
            ? method
            : "other";
    }
}
