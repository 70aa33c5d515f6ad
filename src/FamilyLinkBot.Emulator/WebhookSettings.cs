namespace FamilyLinkBot.Testing;

// The webhook Telegram would push to; while one is set, getUpdates answers 409.
internal sealed record WebhookSettings(string Url, string? SecretToken, int MaxConnections, IReadOnlyList<string>? AllowedUpdates);
