using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Telegram.Bot;

namespace FamilyLinkBot.Testing;

// A request's parameters after validation, with typed access. Values were checked against the
// spec, so the accessors only need to read numbers and booleans that may still be strings.
internal sealed class RequestParameters(string method, JsonObject values)
{
    public string Method { get; } = method;

    public JsonObject Values { get; } = values;

    public JsonNode? this[string name] => Values[name];

    public string? String(string name) => Values[name] switch
    {
        null => null,
        var v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var v => v.ToJsonString(),
    };

    public long? Long(string name) =>
        long.TryParse(String(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    public int? Int(string name) =>
        int.TryParse(String(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    public bool Bool(string name) => Values[name] switch
    {
        null => false,
        var v when v.GetValueKind() == JsonValueKind.True => true,
        var v when v.GetValueKind() == JsonValueKind.String => bool.TryParse(v.GetValue<string>(), out var b) && b,
        _ => false,
    };

    public T? Deserialize<T>(string name) where T : class =>
        Values[name] is { } node ? node.Deserialize<T>(JsonBotAPI.Options) : null;

    // chat_id when it is numeric (for records and per-chat limits).
    public static long? ChatIdOf(JsonObject? values) =>
        values?["chat_id"] is { } node
        && long.TryParse(node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString(),
            NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
}
