using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FamilyLinkBot.Testing;

// setMyCommands / getMyCommands / deleteMyCommands, per scope and language, with Telegram's rules:
// at most 100 commands, names of 1-32 characters from a-z, 0-9 and _, descriptions of 1-256 characters.
internal sealed partial class CommandStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _commands = [];

    public string Set(RequestParameters p)
    {
        var commands = p["commands"] as JsonArray ?? [];
        if (commands.Count > 100)
        {
            throw Error.TooManyCommands();
        }

        var normalized = new JsonArray();
        foreach (var command in commands.OfType<JsonObject>())
        {
            var name = command["command"]?.ToString() ?? "";
            var description = command["description"]?.ToString() ?? "";
            if (!CommandName().IsMatch(name))
            {
                throw Error.BotCommandInvalid();
            }

            if (description.Length is < 1 or > 256)
            {
                throw Error.BotCommandDescriptionInvalid();
            }

            normalized.Add(new JsonObject { ["command"] = name, ["description"] = description });
        }

        lock (_gate)
        {
            _commands[Key(p)] = normalized.ToJsonString();
        }

        return "true";
    }

    public string Get(RequestParameters p)
    {
        lock (_gate)
        {
            return _commands.GetValueOrDefault(Key(p), "[]");
        }
    }

    public string Delete(RequestParameters p)
    {
        lock (_gate)
        {
            _commands.Remove(Key(p));
        }

        return "true";
    }

    // Commands are kept per (scope type, scope chat, scope user, language).
    private static string Key(RequestParameters p)
    {
        var scope = p["scope"] as JsonObject;
        var type = scope?["type"]?.ToString() ?? "default";
        var chat = scope?["chat_id"]?.ToString() ?? "";
        var user = scope?["user_id"]?.ToString() ?? "";
        var language = p.String("language_code") ?? "";
        return JsonSerializer.Serialize(new[] { type, chat, user, language });
    }

    [GeneratedRegex("^[a-z0-9_]{1,32}$")]
    private static partial Regex CommandName();
}
