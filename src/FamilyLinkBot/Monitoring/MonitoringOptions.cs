namespace FamilyLinkBot.Monitoring;

/// <summary>The <c>Monitoring</c> configuration section: /healthz and /metrics for operators, off by default.</summary>
public sealed class MonitoringOptions
{
    public const string Section = "Monitoring";

    public bool Enabled { get; set; }

    /// <summary>Where /healthz and /metrics listen; loopback by default so that nothing is served to the network by accident.</summary>
    public string ListenUrl { get; set; } = "http://127.0.0.1:9464";

    /// <summary>/healthz is unhealthy when Telegram has not answered a call successfully for this long.</summary>
    public TimeSpan TelegramStaleAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>/healthz is unhealthy when a pending outbox message has been due for this long.</summary>
    public TimeSpan OutboxStuckAfter { get; set; } = TimeSpan.FromMinutes(15);
}
