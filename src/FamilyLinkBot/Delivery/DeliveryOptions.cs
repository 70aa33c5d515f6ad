namespace FamilyLinkBot.Delivery;

/// <summary>The <c>Delivery</c> configuration section (SPEC §8).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Global send rate; Telegram allows about 30 a second.</summary>
    public int MessagesPerSecond { get; set; } = 25;

    /// <summary>Attempts for 5xx and network errors before an item is marked failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    public bool AllowPaidBroadcast { get; set; }
}
