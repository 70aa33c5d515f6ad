using System.Globalization;
using System.Text;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// The relevance figures of docs/DESIGN.md#10-performance-targets for a matcher over a labelled corpus: per-topic precision and recall, overall
/// recall (stories that should alert and do, under any topic), and the share of non-stories that alert.
/// </summary>
public sealed class RelevanceReport
{
    private RelevanceReport(
        IReadOnlyList<TopicFigures> topics, int stories, int storiesAlerted, int negatives, int negativesAlerted,
        IReadOnlyList<(LabelledHeadline Row, IReadOnlySet<string> Found)> misses,
        IReadOnlyList<(LabelledHeadline Row, IReadOnlySet<string> Found)> falseAlerts)
    {
        Topics = topics;
        Stories = stories;
        StoriesAlerted = storiesAlerted;
        Negatives = negatives;
        NegativesAlerted = negativesAlerted;
        Misses = misses;
        FalseAlerts = falseAlerts;
    }

    public IReadOnlyList<TopicFigures> Topics { get; }

    public int Stories { get; }

    public int StoriesAlerted { get; }

    public int Negatives { get; }

    public int NegativesAlerted { get; }

    /// <summary>Rows with a labelled topic the matcher did not find (the whole story missed, or one of its topics).</summary>
    public IReadOnlyList<(LabelledHeadline Row, IReadOnlySet<string> Found)> Misses { get; }

    /// <summary>Rows given a topic they are not labelled with (a non-story alerted, or a story under a wrong topic).</summary>
    public IReadOnlyList<(LabelledHeadline Row, IReadOnlySet<string> Found)> FalseAlerts { get; }

    public double Recall => Stories == 0 ? 1 : (double)StoriesAlerted / Stories;

    public double NegativesAlertedShare => Negatives == 0 ? 0 : (double)NegativesAlerted / Negatives;

    public double MinTopicPrecision => Topics.Min(t => t.Precision);

    /// <summary>docs/DESIGN.md#10-performance-targets: recall ≥ 0.95, at most 3 % of non-stories alerted, every topic's precision ≥ 0.9.</summary>
    public bool MeetsBar => Recall >= 0.95 && NegativesAlertedShare <= 0.03 && MinTopicPrecision >= 0.9;

    public static RelevanceReport Run(NewsMatcher matcher, IEnumerable<LabelledHeadline> corpus)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        ArgumentNullException.ThrowIfNull(corpus);
        var labelled = MatchingRules.TopicIds.ToDictionary(t => t, _ => 0);
        var truePositives = MatchingRules.TopicIds.ToDictionary(t => t, _ => 0);
        var falsePositives = MatchingRules.TopicIds.ToDictionary(t => t, _ => 0);
        int stories = 0, storiesAlerted = 0, negatives = 0, negativesAlerted = 0;
        var misses = new List<(LabelledHeadline, IReadOnlySet<string>)>();
        var falseAlerts = new List<(LabelledHeadline, IReadOnlySet<string>)>();
        foreach (var row in corpus)
        {
            var found = matcher.Match(row.Title, row.Summary).Topics;
            if (row.Topics.Count == 0)
            {
                negatives++;
                negativesAlerted += found.Count > 0 ? 1 : 0;
            }
            else
            {
                stories++;
                storiesAlerted += found.Count > 0 ? 1 : 0;
            }

            foreach (var topic in row.Topics)
            {
                labelled[topic]++;
                truePositives[topic] += found.Contains(topic) ? 1 : 0;
            }

            foreach (var topic in found.Where(t => !row.Topics.Contains(t)))
            {
                falsePositives[topic]++;
            }

            if (row.Topics.Any(t => !found.Contains(t)))
            {
                misses.Add((row, found));
            }

            if (found.Any(t => !row.Topics.Contains(t)))
            {
                falseAlerts.Add((row, found));
            }
        }

        var topics = MatchingRules.TopicIds.Select(t => new TopicFigures(t, labelled[t], truePositives[t], falsePositives[t])).ToList();
        return new RelevanceReport(topics, stories, storiesAlerted, negatives, negativesAlerted, misses, falseAlerts);
    }

    public string Format(bool listRows = true)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{"topic",-14} {"labelled",8} {"found",6} {"wrong",6} {"precision",10} {"recall",7}");
        foreach (var t in Topics)
        {
            text.AppendLine(c, $"{t.Topic,-14} {t.Labelled,8} {t.TruePositives,6} {t.FalsePositives,6} {t.Precision,10:F3} {t.Recall,7:F3}");
        }

        text.AppendLine(c, $"stories alerted (overall recall): {StoriesAlerted}/{Stories} = {Recall:F3}   (bar ≥ 0.950)");
        text.AppendLine(c, $"non-stories alerted: {NegativesAlerted}/{Negatives} = {NegativesAlertedShare:P1}   (bar ≤ 3.0 %)");
        text.AppendLine(c, $"lowest topic precision: {MinTopicPrecision:F3}   (bar ≥ 0.900)");
        text.AppendLine(MeetsBar ? "MEETS the bar of docs/DESIGN.md §10" : "BELOW the bar of docs/DESIGN.md §10");
        if (listRows)
        {
            AppendRows(text, "misses (line, language, expected → found)", Misses);
            AppendRows(text, "false alerts (line, language, expected → found)", FalseAlerts);
        }

        return text.ToString();
    }

    private static void AppendRows(StringBuilder text, string heading, IReadOnlyList<(LabelledHeadline Row, IReadOnlySet<string> Found)> rows)
    {
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{heading}: {rows.Count}");
        foreach (var (row, found) in rows)
        {
            var expected = row.Topics.Count == 0 ? "-" : string.Join(",", MatchingRules.TopicIds.Where(row.Topics.Contains));
            var got = found.Count == 0 ? "-" : string.Join(",", MatchingRules.TopicIds.Where(found.Contains));
            text.AppendLine(c, $"  {row.Line,4} {row.Language} [{expected} → {got}] {row.Title}");
        }
    }
}
