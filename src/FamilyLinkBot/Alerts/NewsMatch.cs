using System.Collections.ObjectModel;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// What a news item is about: matched topic ids and region ids (in rules-file order).
/// Only topics make an alert (docs/DESIGN.md#7-news-alerts); regions select additional recipients.
/// </summary>
public sealed class NewsMatch
{
    public static NewsMatch None { get; } = new(new HashSet<string>(), new HashSet<string>());

    internal NewsMatch(HashSet<string> topics, HashSet<string> regions)
    {
        Topics = new ReadOnlySet<string>(topics);
        Regions = new ReadOnlySet<string>(regions);
    }

    public IReadOnlySet<string> Topics { get; }

    public IReadOnlySet<string> Regions { get; }

    /// <summary>
    /// True when no topic matched: the item is not an alert, even if <see cref="Regions"/> is not empty
    /// ("drama filmed in Dandong" names a region but is no news for the families).
    /// </summary>
    public bool IsEmpty => Topics.Count == 0;

    public override string ToString() =>
        $"topics [{string.Join(", ", Topics)}] regions [{string.Join(", ", Regions)}]";
}
