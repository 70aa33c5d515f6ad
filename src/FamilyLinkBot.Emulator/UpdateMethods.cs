using System.Text.Json;
using System.Text.Json.Nodes;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Testing;

// getUpdates and the webhook settings. The emulator records a webhook but does not push to it.
internal sealed class UpdateMethods(UpdateQueue updates, CancellationToken shutdown)
{
    private readonly Lock _gate = new();
    private WebhookSettings? _webhook;

    public string? WebhookUrl
    {
        get
        {
            lock (_gate)
            {
                return _webhook?.Url;
            }
        }
    }

    public async Task<string> GetUpdatesAsync(RequestParameters p, CancellationToken requestAborted)
    {
        if (WebhookUrl is not null)
        {
            throw Error.WebhookIsActive();
        }

        var limit = p.Int("limit") ?? 100;
        if (limit is < 1 or > 100)
        {
            limit = Math.Clamp(limit, 1, 100); // Telegram clamps rather than refusing
        }

        var timeout = TimeSpan.FromSeconds(Math.Max(0, p.Int("timeout") ?? 0));
        return await updates.GetUpdatesAsync(p.Int("offset") ?? 0, limit, timeout, AllowedUpdates(p), requestAborted, shutdown);
    }

    public string SetWebhook(RequestParameters p)
    {
        var url = p.String("url") ?? "";
        if (url.Length > 0 && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw Error.WebhookNeedsHttps();
        }

        if (p.Bool("drop_pending_updates"))
        {
            updates.DropPending();
        }

        lock (_gate)
        {
            _webhook = url.Length == 0
                ? null
                : new WebhookSettings(url, p.String("secret_token"), p.Int("max_connections") ?? 40, AllowedUpdates(p));
        }

        return "true";
    }

    public string DeleteWebhook(RequestParameters p)
    {
        if (p.Bool("drop_pending_updates"))
        {
            updates.DropPending();
        }

        lock (_gate)
        {
            _webhook = null;
        }

        return "true";
    }

    public string GetWebhookInfo(RequestParameters p)
    {
        _ = p;
        WebhookSettings? webhook;
        lock (_gate)
        {
            webhook = _webhook;
        }

        var info = new WebhookInfo
        {
            Url = webhook?.Url ?? "",
            HasCustomCertificate = false,
            PendingUpdateCount = updates.PendingCount,
            MaxConnections = webhook?.MaxConnections,
            AllowedUpdates = webhook?.AllowedUpdates?
                .Select(name => Enum.TryParse<UpdateType>(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var type) ? type : UpdateType.Unknown)
                .ToArray(),
        };
        return JsonSerializer.Serialize(info, JsonBotAPI.Options);
    }

    private static List<string>? AllowedUpdates(RequestParameters p) =>
        p["allowed_updates"] is JsonArray array ? array.Select(n => n?.ToString() ?? "").ToList() : null;
}
