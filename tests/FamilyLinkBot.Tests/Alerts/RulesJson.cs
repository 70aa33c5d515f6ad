using System.Text.Json.Nodes;
using FamilyLinkBot.Alerts;

namespace FamilyLinkBot.Tests.Alerts;

// Builds rules files for tests by editing the shipped one, as an operator would.
internal static class RulesJson
{
    public static string Default()
    {
        using var stream = typeof(MatchingRules).Assembly.GetManifestResourceStream("FamilyLinkBot.Alerts.matching-rules.json")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static string WithKeyword(string json, string kind, string id, string language, string keyword, string part = "keywords")
    {
        var root = JsonNode.Parse(json)!;
        var rule = root[kind]!.AsArray().First(r => (string?)r!["id"] == id)!;
        var lists = rule[part] ??= new JsonObject();
        var list = lists[language] ??= new JsonArray();
        list.AsArray().Add(keyword);
        return root.ToJsonString();
    }

    public static string Edit(string json, Action<JsonNode> edit)
    {
        var root = JsonNode.Parse(json)!;
        edit(root);
        return root.ToJsonString();
    }
}
