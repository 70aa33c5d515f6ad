namespace FamilyLinkBot.Telegram;

/// <summary>The <c>Telegram</c> configuration section (docs/DESIGN.md#9-running-it).</summary>
public sealed class TelegramOptions
{
    public const string Section = "Telegram";

    public string BotToken { get; set; } = "";

    /// <summary>A self-hosted Bot API server or an emulator; empty means Telegram's own.</summary>
    public string ApiBaseUrl { get; set; } = "";

    public TelegramMode Mode { get; set; } = TelegramMode.Polling;

    public string WebhookUrl { get; set; } = "";

    public string WebhookSecret { get; set; } = "";

    public string ListenUrl { get; set; } = "";

    /// <summary>Long-polling timeout handed to getUpdates, in seconds.</summary>
    public int PollingTimeoutSeconds { get; set; } = 25;
}

public enum TelegramMode
{
    Polling,
    Webhook,
}
