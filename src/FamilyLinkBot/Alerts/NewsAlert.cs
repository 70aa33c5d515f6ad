namespace FamilyLinkBot.Alerts;

/// <summary>A matched news item (docs/DESIGN.md#7-news-alerts): public, published text, so stored in plaintext (docs/DESIGN.md#2-data-classification operational).</summary>
public sealed record NewsAlert
{
    public required long Id { get; init; }

    public required string Title { get; init; }

    public string? Link { get; init; }

    /// <summary>The feed's name.</summary>
    public required string Source { get; init; }

    public required IReadOnlyList<string> Topics { get; init; }

    public required IReadOnlyList<string> Regions { get; init; }

    public required AlertState State { get; init; }

    /// <summary>The fan-out's keyset cursor: recipients with a chat row id up to this one have their outbox rows.</summary>
    public string FanOutAfter { get; init; } = "";

    public int Recipients { get; init; }
}

public enum AlertState
{
    Pending,
    Approved,
    Rejected,
    Sent,
}
