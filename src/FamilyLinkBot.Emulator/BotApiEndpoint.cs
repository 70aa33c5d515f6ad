using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Testing;

// The HTTP edge: POST /bot{token}/{method}. In Telegram's order: token (401), method (404), then
// injected faults, parameter validation (400), flood limits (429), the handler; every answer is recorded.
internal sealed class BotApiEndpoint(
    string token,
    MethodTable methods,
    FaultInjector faults,
    Outage outage,
    RateLimits rateLimits,
    RequestLog log,
    TimeProvider time,
    ILogger logger)
{
    // Telegram writes quotes as \" and leaves apostrophes and non-ASCII text alone.
    private static readonly JsonSerializerOptions TelegramJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private long _responseDelayTicks;

    public TimeSpan ResponseDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _responseDelayTicks));
        set => Interlocked.Exchange(ref _responseDelayTicks, value.Ticks);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var (requestToken, methodName) = SplitPath(context.Request.Path.Value ?? "");
        var method = methodName;
        var body = "";
        JsonObject? values = null;
        string? result = null;
        BotApiException? failure = null;
        var drop = false;
        try
        {
            (body, _) = await RequestReader.ReadBodyAsync(context.Request, ct);
            switch (outage.Now())
            {
                case OutageKind.NoConnection:
                    Record(method, body, 0, "outage: connection dropped", null);
                    context.Abort();
                    return;
                case OutageKind.BadGateway:
                    throw new BotApiException(502, "Bad Gateway");
                case null:
                    break;
            }

            if (requestToken != token)
            {
                throw Error.Unauthorized();
            }

            var spec = BotApiSpec.Current.FindMethod(methodName) ?? throw Error.NotFound();
            method = spec.Name;
            values = RequestReader.Parse(context.Request, body);

            var delay = ResponseDelay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, ct);
            }

            var fault = faults.Next(method);
            if (fault is { Drop: false })
            {
                // A 502 or 503 comes from the gateway in front of the Bot API, which never saw the request: no limit
                // counts it. A 500 (the Bot API failed) or a 504 (the gateway gave up waiting for it) reached the Bot
                // API, which counted it like any other (docs/SEND-RATE.md); a full window answers 429 first.
                if (fault.StatusCode is 500 or 504 && RateLimits.Applies(method))
                {
                    rateLimits.Acquire(RequestParameters.ChatIdOf(values), values["allow_paid_broadcast"]?.ToString() == "true");
                }

                throw Error.Injected(fault.StatusCode, fault.RetryAfter);
            }

            if (fault is { Drop: true, DropAfterEffect: false })
            {
                drop = true;
            }
            else
            {
                ParameterValidator.Validate(BotApiSpec.Current, spec, values);
                if (RateLimits.Applies(method))
                {
                    rateLimits.Acquire(RequestParameters.ChatIdOf(values), values["allow_paid_broadcast"]?.ToString() == "true");
                }

                result = await methods.InvokeAsync(spec, new RequestParameters(method, values), ct);
                drop = fault is { Drop: true };
            }
        }
        catch (BotApiException e)
        {
            failure = e;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return; // the bot gave up on the request (or shut down); nobody to answer
        }
#pragma warning disable CA1031 // A bug in the emulator must reach the test as a visible 500, not kill Kestrel's connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = new BotApiException(500, $"Internal Server Error: emulator failed with {e.GetType().Name}: {e.Message}");
        }

        var chatId = RequestParameters.ChatIdOf(values);
        if (drop)
        {
            Record(method, body, 0, "connection dropped", chatId);
            context.Abort();
            return;
        }

        var status = failure?.StatusCode ?? 200;
        Record(method, body, status, failure?.Description, chatId);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(failure is null ? $"{{\"ok\":true,\"result\":{result}}}" : ErrorJson(failure), ct);
    }

    private void Record(string method, string body, int status, string? error, long? chatId)
    {
        log.Add(new RecordedRequest(method, body, status, error, time.GetUtcNow(), chatId));
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("{Method} → {Status}", method, status == 0 ? "dropped" : status);
        }
    }

    private static string ErrorJson(BotApiException failure)
    {
        var json = new JsonObject
        {
            ["ok"] = false,
            ["error_code"] = failure.StatusCode,
            ["description"] = failure.Description,
        };
        if (failure.RetryAfter is { } retryAfter)
        {
            json["parameters"] = new JsonObject { ["retry_after"] = retryAfter };
        }

        return json.ToJsonString(TelegramJson);
    }

    // "/bot123:AA…/sendMessage" → ("123:AA…", "sendMessage"); anything else has no token.
    private static (string? Token, string Method) SplitPath(string path)
    {
        if (!path.StartsWith("/bot", StringComparison.Ordinal))
        {
            return (null, path.TrimStart('/'));
        }

        var slash = path.IndexOf('/', 4);
        return slash < 0 ? (path[4..], "") : (path[4..slash], path[(slash + 1)..].TrimEnd('/'));
    }
}
