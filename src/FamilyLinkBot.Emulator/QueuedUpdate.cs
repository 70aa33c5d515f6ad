namespace FamilyLinkBot.Testing;

// One update waiting for (or already given to) the bot, kept as the exact JSON Telegram would send.
internal sealed class QueuedUpdate(int id, string type, string json)
{
    public int Id { get; } = id;

    // "message", "callback_query", … (empty for raw JSON that is not an object).
    public string Type { get; } = type;

    public string Json { get; } = json;

    public bool Delivered { get; set; }

    public bool Confirmed { get; set; }
}
