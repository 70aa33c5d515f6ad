using FamilyLinkBot.Alerts;

namespace FamilyLinkBot.Benchmarks;

/// <summary>
/// `relevance [--corpus PATH] [--rules PATH] [--quiet]`: docs/DESIGN.md#10-performance-targets's news relevance figures for a rules file (the
/// built-in one by default) over the labelled headline corpus (tests/FamilyLinkBot.Tests/Alerts/headlines.tsv by
/// default): per-topic precision and recall, overall recall, the share of non-stories alerted, misses and false alerts.
/// </summary>
public static class RelevanceRun
{
    public const string DefaultCorpus = "tests/FamilyLinkBot.Tests/Alerts/headlines.tsv";

    public static int Run(string? corpusPath, string? rulesPath, bool quiet)
    {
        var path = corpusPath ?? FindUp(DefaultCorpus);
        if (path is null || !File.Exists(path))
        {
            Console.Error.WriteLine($"corpus not found: {corpusPath ?? DefaultCorpus} (run from the repository, or pass --corpus PATH)");
            return 2;
        }

        var rules = rulesPath is null ? MatchingRules.LoadDefault() : MatchingRules.Load(rulesPath);
        var corpus = LabelledHeadline.Parse(File.ReadAllText(path));
        var report = RelevanceReport.Run(new NewsMatcher(rules), corpus);
        Console.WriteLine($"corpus {Path.GetFullPath(path)}: {corpus.Count} headlines " +
            $"(ko {corpus.Count(r => r.Language == "ko")}, en {corpus.Count(r => r.Language == "en")}, zh {corpus.Count(r => r.Language == "zh")}); rules {rules.Source}");
        Console.Write(report.Format(listRows: !quiet));
        return report.MeetsBar ? 0 : 1;
    }

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
