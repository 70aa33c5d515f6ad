using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
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
/// Telegram keeps up to 40 requests open at once: the updates that arrive while a batch is being applied are applied
/// together next, as one batch (as polling does), instead of one transaction each; each request is answered once its
/// batch is stored.
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

    /// <summary>The most updates applied as one batch (a getUpdates answer holds at most 100).</summary>
    internal const int MaxBatch = 100;

    private readonly ILogger _logger = loggerFactory.CreateLogger<WebhookReceiver>();
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>(new UnboundedChannelOptions { SingleReader = true });
    private WebApplication? _app;
    private Task _applier = Task.CompletedTask;

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
        _applier = Task.Run(ApplyLoopAsync, CancellationToken.None);
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

        // Kestrel has answered (or cut off) every request by now: nothing more comes in.
        _received.Writer.TryComplete();
        await _applier.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
        var received = new Received(update, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_received.Writer.TryWrite(received))
        {
            return StatusCodes.Status503ServiceUnavailable; // stopping: Telegram sends it again
        }

        await received.Applied.Task;
        return StatusCodes.Status200OK;
    }

    /// <summary>
    /// Applies whatever has arrived as one batch, then the next. What fails here is not about one update (the database
    /// is unavailable, say): every request of the batch fails (500) and Telegram sends them again.
    /// </summary>
    private async Task ApplyLoopAsync()
    {
        var batch = new List<Received>(MaxBatch);
        while (await _received.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _received.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                await pipeline.ProcessBatchAsync([.. batch.Select(r => r.Update)], CancellationToken.None);
                batch.ForEach(r => r.Applied.SetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(r => r.Applied.SetException(ex));
            }
        }
    }

    private sealed record Received(Update Update, TaskCompletionSource Applied);
}
