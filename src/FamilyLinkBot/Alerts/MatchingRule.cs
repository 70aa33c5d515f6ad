namespace FamilyLinkBot.Alerts;

/// <summary>
/// One topic or region of the matching rules: keywords per language (ko, en, zh) and exclude phrases
/// whose occurrences cancel keyword occurrences inside them.
/// </summary>
public sealed record MatchingRule
{
    public required string Id { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Keywords { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Exclude { get; init; }
}
