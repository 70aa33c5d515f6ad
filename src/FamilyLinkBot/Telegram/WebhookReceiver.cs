using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FamilyLinkBot.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace FamilyLinkBot.Telegram;

/// <summary>
/// Webhook mode (docs/DESIGN.md#9-running-it): a small Kestrel endpoint on Telegram:ListenUrl that takes updates pushed by Telegram into
/// the same <see cref="UpdatePipeline"/> as polling. Every request must carry X-Telegram-Bot-Api-Secret-Token equal to
/// Telegram:WebhookSecret (compared in constant time); anything else gets 401 and is dropped. A 200 is sent only after
/// the update is applied, so Telegram redelivers anything the bot did not finish (and the pipeline skips repeats).
/// </summary>
public sealed class WebhookReceiver(
    UpdatePipeline pipeline,
    BotCommandsPublisher commands,
    ITelegramBotClient bot,
    IOptions<TelegramOptions> options,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>Updates are small; a larger body is not from Telegram.</summary>
    private const long MaxBodyBytes = 1_000_000;

    private readonly ILogger _logger = loggerFactory.CreateLogger<WebhookReceiver>();
    private WebApplication? _app;

    /// <summary>The address the endpoint listens on (useful when Telegram:ListenUrl names port 0).</summary>
    public string? BoundUrl { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Mode != TelegramMode.Webhook)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(settings.ListenUrl);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
        _app = builder.Build();
        var path = new Uri(settings.WebhookUrl).AbsolutePath;
        var secret = SHA256.HashData(Encoding.UTF8.GetBytes(settings.WebhookSecret));
        _app.MapPost(path, async context => context.Response.StatusCode = await ReceiveAsync(context, secret));
        _app.MapFallback(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (StartupException.IsAddressInUse(ex))
        {
            throw StartupException.AddressInUse("Telegram:ListenUrl", settings.ListenUrl, ex);
        }

        BoundUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();

        await commands.PublishAsync(cancellationToken);
        await bot.SetWebhook(
            settings.WebhookUrl,
            allowedUpdates: [global::Telegram.Bot.Types.Enums.UpdateType.Message, global::Telegram.Bot.Types.Enums.UpdateType.CallbackQuery],
            secretToken: settings.WebhookSecret,
            cancellationToken: cancellationToken);
        _logger.LogInformation("Receiving updates by webhook.");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Returns the status code to answer.</summary>
    private async Task<int> ReceiveAsync(HttpContext context, byte[] secretDigest)
    {
        var given = context.Request.Headers[SecretHeader].ToString();
        // Digests of fixed length: comparing the header itself would take less time for a wrong length and tell it.
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), secretDigest))
        {
            return StatusCodes.Status401Unauthorized;
        }

        Update? update;
        try
        {
            update = await JsonSerializer.DeserializeAsync<Update>(context.Request.Body, JsonBotAPI.Options, context.RequestAborted);
        }
        catch (Exception ex) when (ex is JsonException or BadHttpRequestException or NotSupportedException)
        {
            _logger.LogWarning("A webhook request was not a readable update ({ErrorType}); answered 400.", ex.GetType().Name);
            return StatusCodes.Status400BadRequest;
        }

        if (update is null)
        {
            return StatusCodes.Status400BadRequest;
        }

        // Applied before answering: an update whose request fails is sent again by Telegram, and skipped if done.
        await pipeline.ProcessAsync(update, CancellationToken.None);
        return StatusCodes.Status200OK;
    }
}
