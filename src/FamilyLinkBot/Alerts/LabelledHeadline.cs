namespace FamilyLinkBot.Alerts;

/// <summary>One labelled headline of the relevance corpus (docs/DESIGN.md#7-news-alerts): no expected topic means it must alert no one.</summary>
public sealed record LabelledHeadline(int Line, string Language, string Title, string? Summary, IReadOnlySet<string> Topics)
{
    /// <summary>
    /// Reads the corpus format: '#' lines are comments; each other line is tab-separated language, headline, summary
    /// (may be empty) and the expected topics, comma-separated, or "-" for a story that must not alert.
    /// </summary>
    public static IReadOnlyList<LabelledHeadline> Parse(string tsv)
    {
        ArgumentNullException.ThrowIfNull(tsv);
        var rows = new List<LabelledHeadline>();
        var lines = tsv.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var columns = line.Split('\t');
            if (columns.Length != 4 || !MatchingRules.Languages.Contains(columns[0]) || columns[1].Trim().Length == 0)
            {
                throw new FormatException($"line {i + 1}: expected language (ko, en, zh), headline, summary, topics separated by tabs");
            }

            var none = columns[3].Trim() == "-";
            var topics = none
                ? new HashSet<string>(StringComparer.Ordinal)
                : columns[3].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            if ((!none && topics.Count == 0) || topics.Any(t => !MatchingRules.TopicIds.Contains(t)))
            {
                throw new FormatException($"line {i + 1}: topics must be \"-\" or a comma-separated list of {string.Join(", ", MatchingRules.TopicIds)}");
            }

            rows.Add(new LabelledHeadline(i + 1, columns[0], columns[1], columns[2].Length == 0 ? null : columns[2], topics));
        }

        return rows;
    }
}
