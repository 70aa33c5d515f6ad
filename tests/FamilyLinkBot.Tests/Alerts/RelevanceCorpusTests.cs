using FamilyLinkBot.Alerts;

namespace FamilyLinkBot.Tests.Alerts;

/// <summary>
/// docs/DESIGN.md#10-performance-targets's relevance bar on the labelled corpus (headlines.tsv): recall ≥ 0.95, at most 3 % of non-stories alerted,
/// every topic's precision ≥ 0.9. The same figures, with the rows behind them, come from `bench … relevance`.
/// </summary>
public sealed class RelevanceCorpusTests
{
    private static readonly IReadOnlyList<LabelledHeadline> Corpus =
        LabelledHeadline.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Alerts", "headlines.tsv")));

    [Fact]
    public void ShippedRulesMeetTheRelevanceBarOnTheCorpus()
    {
        var report = RelevanceReport.Run(new NewsMatcher(MatchingRules.LoadDefault()), Corpus);

        Assert.True(report.MeetsBar, report.Format());
        Assert.True(report.Recall >= 0.95, report.Format(listRows: false));
        Assert.True(report.NegativesAlertedShare <= 0.03, report.Format(listRows: false));
        Assert.All(report.Topics, t => Assert.True(t.Precision >= 0.9, $"{t.Topic}: precision {t.Precision:F3}"));
    }

    [Fact]
    public void CorpusIsLargeBalancedAndCoversEveryTopic()
    {
        Assert.True(Corpus.Count >= 400, $"{Corpus.Count} headlines");
        foreach (var language in MatchingRules.Languages)
        {
            var share = (double)Corpus.Count(r => r.Language == language) / Corpus.Count;
            Assert.InRange(share, 0.25, 0.42);
        }

        var positives = (double)Corpus.Count(r => r.Topics.Count > 0) / Corpus.Count;
        Assert.InRange(positives, 0.5, 0.65);
        foreach (var topic in MatchingRules.TopicIds)
        {
            Assert.True(Corpus.Count(r => r.Topics.Contains(topic)) >= 25, topic);
        }

        Assert.Equal(Corpus.Count, Corpus.Select(r => r.Title).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void ReportCountsMissesAndFalseAlertsPerTopic()
    {
        var corpus = LabelledHeadline.Parse(
            "# a comment\n" +
            "en\tChina repatriates North Korean defectors\t\trepatriation\n" +
            "en\tDefectors rally in Seoul\t\trallies,resettlement\n" +
            "en\tApple repatriates cash\t\t-\n" +
            "en\tKOSPI rallies\tNorth Korean defectors join protest\t-\n");

        var report = RelevanceReport.Run(new NewsMatcher(MatchingRules.LoadDefault()), corpus);

        Assert.Equal((2, 2, 2, 1), (report.Stories, report.StoriesAlerted, report.Negatives, report.NegativesAlerted));
        var rallies = report.Topics.Single(t => t.Topic == "rallies");
        Assert.Equal((1, 1, 1), (rallies.Labelled, rallies.TruePositives, rallies.FalsePositives));
        Assert.Equal(0, report.Topics.Single(t => t.Topic == "resettlement").TruePositives);
        Assert.Equal([3], report.Misses.Select(m => m.Row.Line));
        Assert.Equal([5], report.FalseAlerts.Select(m => m.Row.Line));
        Assert.False(report.MeetsBar);
        Assert.Contains("BELOW", report.Format(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en\tonly three\tcolumns")]
    [InlineData("kr\tHeadline\t\t-")]
    [InlineData("en\tHeadline\t\tweather")]
    [InlineData("en\t \t\t-")]
    [InlineData("en\tHeadline\t\t")]
    public void MalformedCorpusLineIsRejectedWithItsNumber(string line)
    {
        var error = Assert.Throws<FormatException>(() => LabelledHeadline.Parse("# header\n" + line));

        Assert.StartsWith("line 2:", error.Message, StringComparison.Ordinal);
    }
}
