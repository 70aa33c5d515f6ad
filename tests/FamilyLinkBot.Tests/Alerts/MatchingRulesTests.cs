using System.Text.Json.Nodes;
using FamilyLinkBot.Alerts;

using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.Alerts;

public sealed class MatchingRulesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("flb-rules-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void DefaultRulesHaveEveryTopicAndRegion()
    {
        var rules = MatchingRules.LoadDefault();

        Assert.Equal(MatchingRules.TopicIds, rules.Topics.Select(t => t.Id));
        Assert.Equal(MatchingRules.RegionIds, rules.Regions.Select(r => r.Id));
        Assert.All(rules.Regions, rule =>
            Assert.All(MatchingRules.Languages, language => Assert.NotEmpty(rule.Keywords[language])));
        Assert.All(rules.Groups, group =>
            Assert.All(MatchingRules.Languages, language => Assert.NotEmpty(group.Terms[language])));
        Assert.All(rules.Topics, topic => Assert.NotEmpty(topic.When));
    }

    [Fact]
    public void ShippedFileIsTheEmbeddedOne()
    {
        var source = Path.Combine(Repository.Root, "src", "FamilyLinkBot", "Alerts", "matching-rules.json");

        Assert.Equal(File.ReadAllText(source), RulesJson.Default());
    }

    [Fact]
    public void CustomFileExtendingATopicMatchesTheNewKeyword()
    {
        var json = RulesJson.WithKeyword(RulesJson.Default(), "topics", "repatriation", "en", "pushed back*");
        json = RulesJson.WithKeyword(json, "topics", "repatriation", "ko", "쫓겨난");
        json = RulesJson.WithKeyword(json, "regions", "jilin", "en", "sanhe");
        var path = Write("custom.json", json);

        var matcher = new NewsMatcher(MatchingRules.Load(path));

        Assert.Equal(["repatriation"], matcher.Match("Defectors pushed backwards at Sanhe").Topics);
        Assert.Equal(["jilin"], matcher.Match("Defectors pushed backwards at Sanhe").Regions);
        Assert.Equal(["repatriation"], matcher.Match("중국서 쫓겨난 탈북민").Topics);
        Assert.True(new NewsMatcher(MatchingRules.LoadDefault()).Match("Defectors pushed backwards").IsEmpty);
    }

    [Fact]
    public void CustomExcludeCancelsAKeyword()
    {
        const string headline = "Defectors win at court of appeal";
        var json = RulesJson.WithKeyword(RulesJson.Default(), "topics", "policy", "en", "court of appeal", part: "exclude");
        var matcher = new NewsMatcher(MatchingRules.Parse(json));

        Assert.Equal(["policy"], new NewsMatcher(MatchingRules.LoadDefault()).Match(headline).Topics);
        Assert.True(matcher.Match(headline).IsEmpty);
    }

    [Fact]
    public void ConfiguredPathReplacesTheDefault()
    {
        var json = RulesJson.WithKeyword(RulesJson.Default(), "topics", "border", "en", "wall of steel");
        var path = Write("configured.json", json);

        var configured = MatchingRules.LoadConfigured(new NewsOptions { RulesPath = path });
        var builtIn = MatchingRules.LoadConfigured(new NewsOptions { RulesPath = " " });

        Assert.Equal(path, configured.Source);
        Assert.Contains("wall of steel", configured.Topics.Single(t => t.Id == "border").Keywords["en"]);
        Assert.DoesNotContain("wall of steel", builtIn.Topics.Single(t => t.Id == "border").Keywords.GetValueOrDefault("en") ?? []);
    }

    public static TheoryData<string, string> BrokenFiles => new()
    {
        { RulesJson.Edit(RulesJson.Default(), r => r["topics"]!.AsArray().Add(Rule("weather", "rain"))), "topic 'weather' is not a known topic id" },
        { RulesJson.Edit(RulesJson.Default(), r => r["regions"]!.AsArray().Add(Rule("unknown", "somewhere"))), "the place 'unknown' cannot have keywords" },
        { RulesJson.Edit(RulesJson.Default(), r => r["regions"]!.AsArray().Add(Rule("pyongyang", "평양"))), "region 'pyongyang' is not a known region id" },
        { RulesJson.WithKeyword(RulesJson.Default(), "topics", "border", "en", ""), "topic 'border' keywords.en contains an empty keyword" },
        { RulesJson.WithKeyword(RulesJson.Default(), "topics", "border", "en", " \u200B "), "topic 'border' keywords.en contains an empty keyword" },
        { RulesJson.WithKeyword(RulesJson.Default(), "topics", "border", "en", "*"), "topic 'border' keywords.en contains an empty keyword" },
        { RulesJson.WithKeyword(RulesJson.Default(), "topics", "border", "en", "bor*der"), "has '*' other than at the end" },
        { RulesJson.WithKeyword(RulesJson.Default(), "topics", "border", "kr", "국경"), "language 'kr' is not one of ko, en, zh" },
        { RulesJson.WithKeyword(RulesJson.Default(), "topics", "border", "en", new string('x', 101)), "longer than 100 characters" },
        { RulesJson.Edit(RulesJson.Default(), r => r["topics"]!.AsArray().Add(Rule("border", "frontier"))), "topic 'border' appears more than once" },
        { RulesJson.Edit(RulesJson.Default(), r => r["topics"]!.AsArray().RemoveAt(3)), "topics missing: rallies" },
        { RulesJson.Edit(RulesJson.Default(), r => { r["topics"]![0]!["keywords"] = new JsonObject { ["en"] = new JsonArray() }; r["topics"]![0]!.AsObject().Remove("when"); }), "topic 'repatriation' has no keywords and no \"when\" clauses" },
        { RulesJson.Edit(RulesJson.Default(), r => { r["topics"]![0]!.AsObject().Remove("keywords"); r["topics"]![0]!["when"] = new JsonArray(); }), "topic 'repatriation' has no keywords and no \"when\" clauses" },
        { RulesJson.Edit(RulesJson.Default(), r => r["topics"]![1]!["when"]!.AsArray().Add(new JsonObject { ["all"] = new JsonArray("escapees", "weather_events") })), "topic 'border' \"when\" #7 names group 'weather_events', which is not defined" },
        { RulesJson.Edit(RulesJson.Default(), r => r["topics"]![1]!["when"]!.AsArray().Add(new JsonObject { ["all"] = new JsonArray() })), "topic 'border' \"when\" #7 needs \"all\"" },
        { RulesJson.Edit(RulesJson.Default(), r => r["topics"]![1]!["when"]!.AsArray().Add(new JsonObject { ["all"] = new JsonArray("escapees"), ["window"] = 0 })), "\"window\" must be between 1 and 200 words" },
        { RulesJson.Edit(RulesJson.Default(), r => r["groups"]!.AsArray().Add(new JsonObject { ["id"] = "escapees", ["terms"] = new JsonObject { ["en"] = new JsonArray("x") } })), "group 'escapees' appears more than once" },
        { RulesJson.Edit(RulesJson.Default(), r => r["groups"]!.AsArray().Add(new JsonObject { ["id"] = "empty", ["terms"] = new JsonObject() })), "group 'empty' has no terms" },
        { RulesJson.Edit(RulesJson.Default(), r => r["version"] = 1), "\"groups\" needs \"version\": 2" },
        { RulesJson.Edit(RulesJson.Default(), r => r["regions"]![0]!["when"] = new JsonArray()), "region 'liaoning' cannot have \"when\" clauses" },
        { RulesJson.Edit(RulesJson.Default(), r => r["topics"]![0]!.AsObject().Remove("id")), "topic #1 has no \"id\"" },
        { RulesJson.Edit(RulesJson.Default(), r => r.AsObject().Remove("regions")), "the \"regions\" array is missing" },
        { RulesJson.Edit(RulesJson.Default(), r => r["version"] = 3), "\"version\" is 3, but only 1 and 2 are supported" },
        { RulesJson.Edit(RulesJson.Default(), r => r.AsObject().Remove("version")), "\"version\" is missing" },
        { RulesJson.Edit(RulesJson.Default(), r => r["topics"]![1]!["keyowrds"] = new JsonObject()), "not valid JSON" },
        { "{ \"version\": 1, \"topics\": [ ", "not valid JSON" },
        { "{ \"version\": 1, \"version\": 1 }", "not valid JSON" },
        { RulesJson.Edit(RulesJson.Default(), r => r["topics"]![0]!["exclude"] = new JsonObject { ["en"] = new JsonArray([.. Enumerable.Range(0, 1_001).Select(i => (JsonNode)$"{i:D4}{new string('x', 96)}")]) }), "characters of them, in total" },
        { "null", "the document is empty" },
        { "", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void BrokenFileFailsNamingFileAndProblem(string json, string problem)
    {
        var path = Write("broken.json", json);

        var error = Assert.Throws<MatchingRulesException>(() => MatchingRules.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VersionOneFileWithKeywordsOnlyStillLoads()
    {
        var topics = new JsonArray([.. MatchingRules.TopicIds.Select(t => (JsonNode)Rule(t, "word-" + t))]);
        var regions = new JsonArray([.. MatchingRules.RegionIds.Select(r => (JsonNode)Rule(r, "place-" + r))]);
        var json = new JsonObject { ["version"] = 1, ["topics"] = topics, ["regions"] = regions }.ToJsonString();

        var matcher = new NewsMatcher(MatchingRules.Parse(json));

        Assert.Equal(["border"], matcher.Match("word-border at place-jilin").Topics);
        Assert.Equal(["jilin"], matcher.Match("word-border at place-jilin").Regions);
    }

    [Fact]
    public void MissingFileFailsNamingTheFile()
    {
        var path = Path.Combine(_folder, "absent.json");

        var error = Assert.Throws<MatchingRulesException>(() => MatchingRules.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be read", error.Message, StringComparison.Ordinal);
    }

    private static JsonObject Rule(string id, string keyword) =>
        new() { ["id"] = id, ["keywords"] = new JsonObject { ["en"] = new JsonArray(keyword) } };

    private string Write(string name, string json)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }
}
