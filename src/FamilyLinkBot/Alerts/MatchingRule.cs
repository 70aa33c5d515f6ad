namespace FamilyLinkBot.Alerts;

/// <summary>
/// One topic or region of the matching rules (docs/DESIGN.md#7-news-alerts). <see cref="Keywords"/> (ko, en, zh) are enough on their own:
/// a region's place names, or a topic's terms that name the people and the event at once ("강제북송", "Hanawon").
/// <see cref="When"/> holds a topic's other ways to match: each clause needs a term of every group it names (what
/// happens, and to whom), optionally within a word window. Occurrences inside one of the rule's exclude phrases do not
/// count.
/// </summary>
public sealed record MatchingRule
{
    public required string Id { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Keywords { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Exclude { get; init; }

    public IReadOnlyList<MatchingClause> When { get; init; } = [];
}

/// <summary>A named list of terms per language that topics combine, such as the people group or an event group.</summary>
public sealed record MatchingGroup
{
    public required string Id { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Terms { get; init; }

    /// <summary>Phrases inside which a term of this group does not count ("Russian defector", "border collie").</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Exclude { get; init; }
}

/// <summary>
/// One way for a topic to match: a term of each named group, all within <see cref="Window"/> words of each other when
/// set (a Chinese character counts as half a word), else anywhere in the title and summary.
/// </summary>
public sealed record MatchingClause(IReadOnlyList<string> Groups, int? Window);
