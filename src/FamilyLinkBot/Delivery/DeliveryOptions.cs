namespace FamilyLinkBot.Delivery;

/// <summary>The <c>Delivery</c> configuration section (docs/DESIGN.md#8-delivery).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Global send rate; Telegram allows about 30 a second.</summary>
    public int MessagesPerSecond { get; set; } = 25;

    /// <summary>Attempts for 5xx and network errors before an item is marked failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    public bool AllowPaidBroadcast { get; set; }

    /// <summary>
    /// This process's name in outbox claims. Two processes sending from one database need different names; a process
    /// that restarts under the same name releases the claims its killed predecessor left at once.
    /// </summary>
    public string Instance { get; set; } = "main";

    /// <summary>
    /// The highest rate allowed: Telegram's limits (30 a second, 1,000 with paid broadcasts), unless the Bot API is
    /// on this machine's loopback (an emulator, the sandbox, a benchmark), whose only limit is the bot's own speed.
    /// </summary>
    public static int MaxRate(bool allowPaidBroadcast, string apiBaseUrl) =>
        Uri.TryCreate(apiBaseUrl, UriKind.Absolute, out var uri) && uri.IsLoopback
            ? 100_000
            : allowPaidBroadcast ? 1000 : 30;
}
