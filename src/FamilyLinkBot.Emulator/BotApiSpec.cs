using System.Text.Json;

namespace FamilyLinkBot.Testing;

// The Bot API reference (BotApiSpec/api.min.json, Bot API 10.1, from PaulSonOfLars/telegram-bot-api-spec)
// loaded once. Method names are case-insensitive, as on Telegram's server.
internal sealed class BotApiSpec
{
    private readonly Dictionary<string, MethodSpec> _methods;
    private readonly Dictionary<string, TypeSpec> _types;

    private BotApiSpec(string version, Dictionary<string, MethodSpec> methods, Dictionary<string, TypeSpec> types)
    {
        Version = version;
        _methods = methods;
        _types = types;
    }

    public static BotApiSpec Current { get; } = Load();

    public string Version { get; }

    public IEnumerable<MethodSpec> Methods => _methods.Values;

    public MethodSpec? FindMethod(string name) => _methods.GetValueOrDefault(name);

    public TypeSpec? FindType(string name) => _types.GetValueOrDefault(name);

    private static BotApiSpec Load()
    {
        using var stream = typeof(BotApiSpec).Assembly.GetManifestResourceStream("FamilyLinkBot.Testing.api.min.json")
            ?? throw new InvalidOperationException("The embedded Bot API reference api.min.json is missing.");
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;

        var methods = new Dictionary<string, MethodSpec>(StringComparer.OrdinalIgnoreCase);
        foreach (var method in root.GetProperty("methods").EnumerateObject())
        {
            methods[method.Name] = new MethodSpec(
                method.Value.GetProperty("name").GetString()!,
                ReadFields(method.Value),
                ReadStrings(method.Value, "returns"));
        }

        var types = new Dictionary<string, TypeSpec>(StringComparer.Ordinal);
        foreach (var type in root.GetProperty("types").EnumerateObject())
        {
            types[type.Name] = new TypeSpec(type.Name, ReadFields(type.Value), ReadStrings(type.Value, "subtypes"));
        }

        return new BotApiSpec(root.GetProperty("version").GetString()!, methods, types);
    }

    private static List<FieldSpec> ReadFields(JsonElement owner) =>
        owner.TryGetProperty("fields", out var fields)
            ? fields.EnumerateArray()
                .Select(f => new FieldSpec(
                    f.GetProperty("name").GetString()!,
                    ReadStrings(f, "types"),
                    f.GetProperty("required").GetBoolean()))
                .ToList()
            : [];

    private static List<string> ReadStrings(JsonElement owner, string property) =>
        owner.TryGetProperty(property, out var array)
            ? array.EnumerateArray().Select(e => e.GetString()!).ToList()
            : [];
}
