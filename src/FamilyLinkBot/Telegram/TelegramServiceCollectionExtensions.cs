using System.Text.RegularExpressions;
using FamilyLinkBot.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace FamilyLinkBot.Telegram;

public static partial class TelegramServiceCollectionExtensions
{
    public const string HttpClientName = "telegram";

    public static IHostApplicationBuilder AddTelegram(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();

        // No HttpClient logging: request URLs carry the bot token (/bot<token>/method).
        builder.Services.AddHttpClient(HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(90))
            .RemoveAllLoggers()
            .AddHttpMessageHandler<Monitoring.TelegramCallRecorder>()
            .AddTypedClient<ITelegramBotClient>((http, services) =>
            {
                var options = services.GetRequiredService<IOptions<TelegramOptions>>().Value;
                var baseUrl = string.IsNullOrWhiteSpace(options.ApiBaseUrl) ? null : options.ApiBaseUrl.TrimEnd('/');
                // RetryThreshold 0: Telegram.Bot does not wait out a 429 itself. The outbox dispatcher must see
                // every 429 so that *all* sending pauses for retry_after (docs/DESIGN.md#8-delivery), not just the one request.
                return new TelegramBotClient(new TelegramBotClientOptions(options.BotToken, baseUrl) { RetryThreshold = 0, RetryCount = 0 }, http);
            });

        builder.Services.AddSingleton<TelegramReachability>();
        builder.Services.AddSingleton<UpdatePipeline>();
        builder.Services.AddSingleton<BotCommandsPublisher>();
        builder.Services.AddHostedService<PollingService>();
        builder.Services.AddSingleton<WebhookReceiver>(); // started early: see AddTelegramStartCheck
        return builder;
    }

    /// <summary>
    /// getMe, then the webhook endpoint, before any background service starts: called right after storage, so that the
    /// outbox never tries a refused token (which would fail every pending message), polling never loops on it, and a
    /// refused token or a taken port stops the start before anything runs (then there is nothing to cancel midway).
    /// </summary>
    public static IHostApplicationBuilder AddTelegramStartCheck(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<TelegramStartCheck>();
        builder.Services.AddHostedService(s => s.GetRequiredService<WebhookReceiver>());
        return builder;
    }

    [GeneratedRegex(@"^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$")]
    internal static partial Regex TokenShape();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{16,256}$")]
    internal static partial Regex WebhookSecretShape();
}

/// <summary>Checks the Telegram section at start; messages name the key, never its value.</summary>
public sealed class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BotToken))
        {
            errors.Add(MissingTokenMessage);
        }
        else if (!TelegramServiceCollectionExtensions.TokenShape().IsMatch(options.BotToken))
        {
            errors.Add("Telegram:BotToken does not look like a bot token (digits, a colon, then letters, digits, '-' or '_'). Copy it again from @BotFather.");
        }

        if (!string.IsNullOrWhiteSpace(options.ApiBaseUrl)
            && !(Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            errors.Add("Telegram:ApiBaseUrl must be an absolute http:// or https:// URL, or empty for Telegram's own server.");
        }

        if (options.PollingTimeoutSeconds is < 0 or > 50)
        {
            errors.Add("Telegram:PollingTimeoutSeconds must be between 0 and 50.");
        }

        if (options.Mode == TelegramMode.Webhook)
        {
            if (!(Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var hook) && hook.Scheme == Uri.UriSchemeHttps))
            {
                errors.Add("Telegram:WebhookUrl must be the public https:// address Telegram posts updates to (Telegram:Mode is Webhook).");
            }

            // Telegram's rule for secret_token: 1-256 characters, A-Z, a-z, 0-9, _ and -.
            if (!TelegramServiceCollectionExtensions.WebhookSecretShape().IsMatch(options.WebhookSecret))
            {
                errors.Add("Telegram:WebhookSecret must be 16-256 characters of A-Z, a-z, 0-9, '_' or '-' (Telegram:Mode is Webhook).");
            }

            if (!(Uri.TryCreate(options.ListenUrl, UriKind.Absolute, out var listen) && (listen.Scheme == Uri.UriSchemeHttp || listen.Scheme == Uri.UriSchemeHttps)))
            {
                errors.Add("Telegram:ListenUrl must be the local http(s) address to listen on, e.g. http://127.0.0.1:8443 (Telegram:Mode is Webhook).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public const string MissingTokenMessage =
        "Telegram:BotToken is not set. Create a bot with @BotFather in Telegram (send /newbot), then put its token in " +
        "appsettings.json under \"Telegram\": { \"BotToken\": \"...\" }, or in the environment variable Telegram__BotToken, " +
        "or with: dotnet user-secrets set Telegram:BotToken <token> --project src/FamilyLinkBot";
}
