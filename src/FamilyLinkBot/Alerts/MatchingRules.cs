using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// The topic and region rules of docs/DESIGN.md#7-news-alerts, read from a JSON data file (format: the "about" lines of
/// Alerts/matching-rules.json). Terms, groups and clauses can be added without code changes; topic and region ids are
/// fixed, because the bot has localized labels for exactly these. Version 1 files (keywords only) still load.
/// </summary>
public sealed class MatchingRules
{
    public const int SupportedVersion = 2;

    /// <summary>The largest word window a clause may ask for; more would be "anywhere", which needs no window.</summary>
    public const int MaxWindow = 200;

    // Bounds keep a mistaken or hostile rules file from making the automaton huge; real files are far below them.
    public const int MaxKeywordLength = 100;
    public const int MaxPatterns = 20_000;
    public const int MaxTotalChars = 100_000;

    private const string DefaultResourceName = "FamilyLinkBot.Alerts.matching-rules.json";
    private const string DefaultSourceName = "built-in matching-rules.json";

    public static IReadOnlyList<string> TopicIds { get; } =
        ["repatriation", "border", "detention", "rallies", "policy", "resettlement"];

    /// <summary>The docs/DESIGN.md#41-family-commands places that have keywords; the case place "unknown" has none by nature.</summary>
    public static IReadOnlyList<string> RegionIds { get; } =
        ["liaoning", "jilin", "heilongjiang", "inner_mongolia", "elsewhere_china", "southeast_asia", "russia"];

    public static IReadOnlyList<string> Languages { get; } = ["ko", "en", "zh"];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = 16,
    };

    private MatchingRules(string source, IReadOnlyList<MatchingGroup> groups, IReadOnlyList<MatchingRule> topics, IReadOnlyList<MatchingRule> regions)
    {
        Source = source;
        Groups = groups;
        Topics = topics;
        Regions = regions;
    }

    /// <summary>Where the rules came from (a path, or a name for built-in and inline rules); for messages.</summary>
    public string Source { get; }

    /// <summary>The named term groups that topic clauses combine (empty in a version 1 file).</summary>
    public IReadOnlyList<MatchingGroup> Groups { get; }

    public IReadOnlyList<MatchingRule> Topics { get; }

    public IReadOnlyList<MatchingRule> Regions { get; }

    public static MatchingRules Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw AlertsError.RulesUnreadable(path, ex.Message);
        }

        return Parse(json, path);
    }

    /// <summary>The rules shipped inside the program (an embedded copy of Alerts/matching-rules.json).</summary>
    public static MatchingRules LoadDefault()
    {
        using var stream = typeof(MatchingRules).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw AlertsError.DefaultRulesMissing(DefaultResourceName);
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), DefaultSourceName);
    }

    /// <summary>The rules at <see cref="NewsOptions.RulesPath"/> when set, else the built-in ones.</summary>
    public static MatchingRules LoadConfigured(NewsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.RulesPath) ? LoadDefault() : Load(options.RulesPath);
    }

    public static MatchingRules Parse(string json, string source = "(inline)")
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);

        RulesFile? file;
        try
        {
            file = JsonSerializer.Deserialize<RulesFile>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw AlertsError.RulesMalformedJson(source, ex.Message);
        }

        if (file is null)
        {
            throw AlertsError.RulesInvalid(source, "the document is empty (null)");
        }

        if (file.Version is not (1 or SupportedVersion))
        {
            throw AlertsError.RulesInvalid(source, file.Version is null
                ? $"\"version\" is missing (expected {SupportedVersion})"
                : $"\"version\" is {file.Version}, but only 1 and {SupportedVersion} are supported");
        }

        if (file.Version == 1 && file.Groups is not null)
        {
            throw AlertsError.RulesInvalid(source, "\"groups\" needs \"version\": 2");
        }

        var budget = new Budget();
        var groups = ValidateGroups(source, file.Groups ?? [], budget);
        var topics = ValidateRules(source, "topic", file.Topics, TopicIds, budget, groups);
        var regions = ValidateRules(source, "region", file.Regions, RegionIds, budget, groups);
        return new MatchingRules(source, groups, topics, regions);
    }

    private static ReadOnlyCollection<MatchingGroup> ValidateGroups(string source, List<GroupEntry?> entries, Budget budget)
    {
        var groups = new List<MatchingGroup>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw AlertsError.RulesInvalid(source, $"group #{i + 1} is null");
            if (string.IsNullOrWhiteSpace(entry.Id))
            {
                throw AlertsError.RulesInvalid(source, $"group #{i + 1} has no \"id\"");
            }

            if (groups.Any(g => g.Id == entry.Id))
            {
                throw AlertsError.RulesInvalid(source, $"group '{entry.Id}' appears more than once");
            }

            var terms = ValidateLists(source, $"group '{entry.Id}' terms", entry.Terms, budget);
            if (terms.Values.All(list => list.Count == 0))
            {
                throw AlertsError.RulesInvalid(source, $"group '{entry.Id}' has no terms");
            }

            var exclude = ValidateLists(source, $"group '{entry.Id}' exclude", entry.Exclude, budget);
            groups.Add(new MatchingGroup { Id = entry.Id, Terms = terms, Exclude = exclude });
        }

        return groups.AsReadOnly();
    }

    private static ReadOnlyCollection<MatchingClause> ValidateClauses(
        string source, string what, List<ClauseEntry?>? entries, IReadOnlyList<MatchingGroup> groups)
    {
        var clauses = new List<MatchingClause>();
        for (var i = 0; i < (entries?.Count ?? 0); i++)
        {
            var entry = entries![i];
            if (entry?.All is not { Count: > 0 } names)
            {
                throw AlertsError.RulesInvalid(source, $"{what} \"when\" #{i + 1} needs \"all\": [group ids]");
            }

            foreach (var name in names)
            {
                if (name is null || !groups.Any(g => g.Id == name))
                {
                    throw AlertsError.RulesInvalid(source, $"{what} \"when\" #{i + 1} names group '{name}', which is not defined in \"groups\"");
                }
            }

            if (entry.Window is { } window && (window < 1 || window > MaxWindow))
            {
                throw AlertsError.RulesInvalid(source, $"{what} \"when\" #{i + 1}: \"window\" must be between 1 and {MaxWindow} words");
            }

            clauses.Add(new MatchingClause(names.Select(n => n!).Distinct(StringComparer.Ordinal).ToList().AsReadOnly(), entry.Window));
        }

        return clauses.AsReadOnly();
    }

    private static ReadOnlyCollection<MatchingRule> ValidateRules(
        string source, string kind, List<RuleEntry?>? entries, IReadOnlyList<string> knownIds, Budget budget, IReadOnlyList<MatchingGroup> groups)
    {
        if (entries is null)
        {
            throw AlertsError.RulesInvalid(source, $"the \"{kind}s\" array is missing");
        }

        var byId = new Dictionary<string, MatchingRule>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw AlertsError.RulesInvalid(source, $"{kind} #{i + 1} is null");
            var id = entry.Id;
            if (string.IsNullOrWhiteSpace(id))
            {
                throw AlertsError.RulesInvalid(source, $"{kind} #{i + 1} has no \"id\"");
            }

            if (!knownIds.Contains(id, StringComparer.Ordinal))
            {
                var hint = kind == "region" && id == "unknown"
                    ? "the place 'unknown' cannot have keywords; leave it out"
                    : $"known {kind}s are {string.Join(", ", knownIds)}; new ones need labels in the bot first";
                throw AlertsError.RulesInvalid(source, $"{kind} '{id}' is not a known {kind} id ({hint})");
            }

            if (byId.ContainsKey(id))
            {
                throw AlertsError.RulesInvalid(source, $"{kind} '{id}' appears more than once");
            }

            if (kind == "region" && entry.When is not null)
            {
                throw AlertsError.RulesInvalid(source, $"region '{id}' cannot have \"when\" clauses; regions only list place names");
            }

            var keywords = ValidateLists(source, $"{kind} '{id}' keywords", entry.Keywords, budget);
            var clauses = ValidateClauses(source, $"{kind} '{id}'", entry.When, groups);
            if (keywords.Values.All(list => list.Count == 0) && clauses.Count == 0)
            {
                throw AlertsError.RulesInvalid(source, kind == "topic"
                    ? $"{kind} '{id}' has no keywords and no \"when\" clauses"
                    : $"{kind} '{id}' has no keywords");
            }

            var exclude = ValidateLists(source, $"{kind} '{id}' exclude", entry.Exclude, budget);
            byId.Add(id, new MatchingRule { Id = id, Keywords = keywords, Exclude = exclude, When = clauses });
        }

        var missing = knownIds.Where(id => !byId.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            // A topic silently missing would mean its subscribers never hear anything; make that a start-up error.
            throw AlertsError.RulesInvalid(source, $"{kind}s missing: {string.Join(", ", missing)}");
        }

        return knownIds.Select(id => byId[id]).ToList().AsReadOnly();
    }

    private static ReadOnlyDictionary<string, IReadOnlyList<string>> ValidateLists(
        string source, string what, Dictionary<string, List<string?>?>? lists, Budget budget)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (language, list) in lists ?? [])
        {
            if (!Languages.Contains(language, StringComparer.Ordinal))
            {
                throw AlertsError.RulesInvalid(
                    source, $"{what}: language '{language}' is not one of {string.Join(", ", Languages)}");
            }

            if (list is null)
            {
                throw AlertsError.RulesInvalid(source, $"{what}.{language} is null (use [] for none)");
            }

            var phrases = new List<string>(list.Count);
            foreach (var phrase in list)
            {
                if (phrase is null || NewsText.Normalize(phrase).TrimEnd('*').Trim().Length == 0)
                {
                    throw AlertsError.RulesInvalid(source, $"{what}.{language} contains an empty keyword");
                }

                var star = phrase.IndexOf('*', StringComparison.Ordinal);
                if (star >= 0 && star != phrase.TrimEnd().Length - 1)
                {
                    throw AlertsError.RulesInvalid(
                        source, $"{what}.{language}: '{phrase}' has '*' other than at the end (only word prefixes are supported)");
                }

                if (phrase.Length > MaxKeywordLength)
                {
                    throw AlertsError.RulesInvalid(
                        source, $"{what}.{language}: a keyword is longer than {MaxKeywordLength} characters");
                }

                budget.Patterns++;
                budget.Chars += phrase.Length;
                if (budget.Patterns > MaxPatterns || budget.Chars > MaxTotalChars)
                {
                    throw AlertsError.RulesInvalid(
                        source, $"more than {MaxPatterns} keywords and excludes, or {MaxTotalChars} characters of them, in total");
                }

                phrases.Add(phrase);
            }

            result.Add(language, phrases.AsReadOnly());
        }

        return result.AsReadOnly();
    }

    private sealed class Budget
    {
        public int Patterns { get; set; }

        public int Chars { get; set; }
    }

    // Mirrors the JSON file; unknown members are rejected so that a typo such as "keyowrds" fails loudly.
    private sealed class RulesFile
    {
        public int? Version { get; set; }

        public JsonElement? About { get; set; }

        public List<GroupEntry?>? Groups { get; set; }

        public List<RuleEntry?>? Topics { get; set; }

        public List<RuleEntry?>? Regions { get; set; }
    }

    private sealed class RuleEntry
    {
        public string? Id { get; set; }

        public Dictionary<string, List<string?>?>? Keywords { get; set; }

        public Dictionary<string, List<string?>?>? Exclude { get; set; }

        public List<ClauseEntry?>? When { get; set; }
    }

    private sealed class GroupEntry
    {
        public string? Id { get; set; }

        public Dictionary<string, List<string?>?>? Terms { get; set; }

        public Dictionary<string, List<string?>?>? Exclude { get; set; }
    }

    private sealed class ClauseEntry
    {
        public List<string?>? All { get; set; }

        public int? Window { get; set; }
    }
}
