using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Telegram;

/// <summary>
/// Long polling with a stored offset (docs/DESIGN.md#8-delivery): a batch is applied, then its offset is stored, then the next
/// getUpdates confirms it to Telegram. Failures back off exponentially (Telegram.Bot's own receiver retries at
/// once, which hammers the API during an outage or a 409 conflict with another instance).
/// </summary>
public sealed class PollingService(
    Database database,
    MetaStore meta,
    UpdatePipeline pipeline,
    BotCommandsPublisher commands,
    TelegramCircuit circuit,
    ITelegramBotClient bot,
    IHttpClientFactory httpClients,
    TimeProvider time,
    TelegramReachability reachability,
    IOptions<TelegramOptions> options,
    ILogger<PollingService> logger) : BackgroundService
{
    internal const string OffsetKey = "polling_offset";

    private static readonly UpdateType[] AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery];

    private HeldLock? _polling;

    /// <summary>
    /// Telegram serves getUpdates to one caller: a second instance polling with the same database would take turns
    /// with the first (409 Conflict) and both would store offsets. It is refused at start, naming the way to run
    /// several (docs/DESIGN.md#12-scale-out).
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Mode == TelegramMode.Polling)
        {
            _polling = await database.Dialect.TryHoldAsync("polling", cancellationToken)
                ?? throw new Hosting.StartupException(
                    $"Another instance is already polling Telegram with this database ({database.Dialect.Location}). Polling allows one " +
                    "instance: stop the other one, or run several in webhook mode on PostgreSQL (docs/OPERATIONS.md).");
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken);
        }
        finally
        {
            if (Interlocked.Exchange(ref _polling, null) is { } held)
            {
                await held.DisposeAsync();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Mode != TelegramMode.Polling)
        {
            return; // the webhook receiver takes the updates
        }

        await commands.PublishAsync(stoppingToken);
        var offset = await LoadOffsetAsync(stoppingToken);
        var failures = 0;
        logger.LogInformation("Polling Telegram for updates.");
        while (!stoppingToken.IsCancellationRequested)
        {
            var unreadable = false;
            try
            {
                var updates = await bot.GetUpdates(offset, 100, options.Value.PollingTimeoutSeconds, AllowedUpdates, stoppingToken);
                circuit.Answered();
                failures = 0;
                reachability.Succeeded();
                if (updates.Length == 0)
                {
                    continue;
                }

                // Once fetched, an update is applied even if shutdown begins: stopping mid-batch would only redo work.
                await pipeline.ProcessBatchAsync(updates, CancellationToken.None);
                var next = updates.Max(u => u.Id) + 1;
                await StoreOffsetAsync(next, CancellationToken.None);
                offset = next;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RequestException ex) when (ex.InnerException is JsonException)
            {
                unreadable = true;
            }
            catch (Exception ex)
            {
                await BackOffAsync(ex, ++failures, stoppingToken);
            }

            if (unreadable)
            {
                // One unreadable update would otherwise block every later one forever: find it and step over it. Finding it
                // is a request of its own, outside the catch above, and its failure is one more failed poll, never the end.
                try
                {
                    offset = await SkipUnreadableAsync(offset, stoppingToken) ?? offset;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    await BackOffAsync(ex, ++failures, stoppingToken);
                }
            }
        }
    }

    private async Task BackOffAsync(Exception error, int failures, CancellationToken stoppingToken)
    {
        // getUpdates is one more witness of whether Telegram can be reached at all (docs/DESIGN.md#8-delivery).
        if (error is ApiRequestException { ErrorCode: > 0 and < 500 })
        {
            circuit.Answered();
        }
        else
        {
            circuit.Unreachable(TelegramCircuit.Polling);
        }

        var delay = RetryDelay(error, failures);
        if (TelegramReachability.IsTransient(error))
        {
            reachability.Failed(error); // at most once a minute
        }
        else
        {
            logger.LogWarning("getUpdates failed ({Reason}); trying again in {Seconds:0.#} s.", Describe(error), delay.TotalSeconds);
        }

        await Task.Delay(delay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// Fetches the batch again as raw JSON and returns the offset just past the first update that Telegram.Bot cannot
    /// read, after storing that offset (such an update cannot be applied); null when none is found (then the usual back-off applies).
    /// </summary>
    private async Task<int?> SkipUnreadableAsync(int? offset, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var baseUrl = string.IsNullOrWhiteSpace(settings.ApiBaseUrl) ? "https://api.telegram.org" : settings.ApiBaseUrl.TrimEnd('/');
        using var http = httpClients.CreateClient(TelegramServiceCollectionExtensions.HttpClientName);
        using var body = JsonContent.Create(new Dictionary<string, object?> { ["offset"] = offset, ["limit"] = 100, ["timeout"] = 0 });
        using var response = await http.PostAsync(new Uri($"{baseUrl}/bot{settings.BotToken}/getUpdates"), body, cancellationToken);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), default, cancellationToken);
        if (!document.RootElement.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var raw in result.EnumerateArray())
        {
            if (!raw.TryGetProperty("update_id", out var idElement) || !idElement.TryGetInt32(out var id))
            {
                continue;
            }

            try
            {
                raw.Deserialize<Update>(JsonBotAPI.Options);
            }
            catch (JsonException)
            {
                logger.LogWarning("Update {UpdateId} could not be read and was skipped.", id);
                await StoreOffsetAsync(id + 1, cancellationToken);
                return id + 1;
            }
        }

        return null;
    }

    /// <summary>Exponential back-off with jitter, 1 s up to 60 s; a 429's retry_after is honoured.</summary>
    internal static TimeSpan RetryDelay(Exception error, int failures)
    {
        if (error is ApiRequestException { ErrorCode: 429, Parameters.RetryAfter: { } retryAfter })
        {
            return TimeSpan.FromSeconds(retryAfter);
        }

        var ceiling = Math.Min(60, Math.Pow(2, Math.Min(failures, 10) - 1));
        return TimeSpan.FromSeconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private static string Describe(Exception error) => error switch
    {
        ApiRequestException api => "Telegram answered " + api.ErrorCode.ToString(CultureInfo.InvariantCulture),
        _ => error.GetType().Name,
    };

    private async Task<int?> LoadOffsetAsync(CancellationToken cancellationToken)
    {
        await using var db = await database.BeginAsync(cancellationToken);
        var value = await meta.GetAsync(db, OffsetKey, cancellationToken);
        return value is null ? null : BitConverter.ToInt32(value);
    }

    private async Task StoreOffsetAsync(int offset, CancellationToken cancellationToken)
    {
        await using var db = await database.BeginAsync(cancellationToken);
        await meta.SetAsync(db, OffsetKey, BitConverter.GetBytes(offset), cancellationToken);
        await db.CommitAsync(cancellationToken);
    }
}
