namespace FamilyLinkBot.Testing;

/// <summary>How a <see cref="BotApiEmulator"/> behaves. Everything off by default: no limits, no faults.</summary>
public sealed class BotApiEmulatorOptions
{
    /// <summary>The clock for message dates, the 48 h deletion limit, callback expiry and rate limits.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Messages a second across all chats before 429 (Telegram: about 30); null = unlimited.</summary>
    public int? GlobalMessagesPerSecond { get; init; }

    /// <summary>Messages a second into one chat before 429 (Telegram: about 1); null = unlimited.</summary>
    public int? PerChatMessagesPerSecond { get; init; }

    /// <summary>
    /// Strict mode: sends and edits counted in a sliding one-second window, with no burst allowance; beyond this many
    /// in any one-second window, 429 with retry_after. Replaces <see cref="GlobalMessagesPerSecond"/>'s token bucket
    /// (sends with allow_paid_broadcast keep the paid rate and are not counted). Null = off.
    /// </summary>
    public int? StrictWindowMessages { get; init; }

    /// <summary>Messages one chat may take in a quick burst before the per-chat rate applies.</summary>
    public int PerChatBurst { get; init; } = 3;

    /// <summary>Global rate for sends that carry allow_paid_broadcast (Telegram: up to 1,000).</summary>
    public int PaidBroadcastMessagesPerSecond { get; init; } = 1000;

    /// <summary>Random 429 / 502 / dropped connections; null = none.</summary>
    public FaultProfile? RandomFaults { get; init; }

    /// <summary>A fixed bot token; by default a realistic one is generated per emulator.</summary>
    public string? Token { get; init; }

    /// <summary>The bot's username, as getMe reports it.</summary>
    public string BotUsername { get; init; } = "FamilyLinkTestBot";

    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Log one line per request (method and status, never bodies) to the console.</summary>
    public bool Logging { get; init; }

    /// <summary>
    /// The first update_id to hand out; by default a random one. A bot stores its polling offset, so an emulator
    /// that serves the same bot database again (the sandbox) must continue above the ids it used before.
    /// </summary>
    public int? FirstUpdateId { get; init; }

    /// <summary>Keep at most this many recorded requests (oldest dropped); null = all.</summary>
    public int? RequestHistoryLimit { get; init; } = 100_000;
}
