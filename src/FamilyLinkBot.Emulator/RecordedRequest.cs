namespace FamilyLinkBot.Testing;

/// <summary>
/// One Bot API call the emulator answered: the method (as Telegram spells it), the request body
/// (JSON; form fields rendered as JSON), the HTTP status (0 when the connection was dropped)
/// and, for failures, Telegram's error description.
/// </summary>
public sealed record RecordedRequest(
    string Method,
    string Body,
    int StatusCode,
    string? ErrorDescription,
    DateTimeOffset TimeUtc,
    long? ChatId)
{
    /// <summary>True when the bot got <c>{"ok":true,…}</c>.</summary>
    public bool Succeeded => StatusCode == 200;

    // Bodies hold chat ids and texts; print only the method and the outcome.
    public override string ToString() => $"{Method} → {(StatusCode == 0 ? "dropped" : StatusCode)}";
}
