using System.Diagnostics;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// Finds the topics and regions of a news item by keyword, per SPEC §7: normalized text, whole-word matching for
/// spaced scripts, substring matching for Korean and Chinese, exclude phrases, and one linear-time Aho–Corasick pass
/// over at most <see cref="MaxInputChars"/> characters. Immutable and safe to share between threads.
/// </summary>
public sealed class NewsMatcher
{
    /// <summary>Title and summary together are cut to this many characters; a headline's news is at its start.</summary>
    public const int MaxInputChars = 4_000;

    // Title and summary are joined with a separator no phrase can span.
    private const string Separator = " \u0001 ";

    private readonly KeywordAutomaton _automaton = new();
    private readonly List<Pattern> _patterns = [];
    private readonly string[] _ruleIds;
    private readonly bool[] _ruleIsTopic;
    private readonly bool[] _ruleHasExcludes;

    public NewsMatcher(MatchingRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var all = rules.Topics.Select(r => (Rule: r, IsTopic: true))
            .Concat(rules.Regions.Select(r => (Rule: r, IsTopic: false)))
            .ToList();
        _ruleIds = all.Select(r => r.Rule.Id).ToArray();
        _ruleIsTopic = all.Select(r => r.IsTopic).ToArray();
        _ruleHasExcludes = new bool[all.Count];

        for (var rule = 0; rule < all.Count; rule++)
        {
            foreach (var phrase in all[rule].Rule.Keywords.Values.SelectMany(list => list))
            {
                AddPattern(phrase, rule, isExclude: false);
            }

            foreach (var phrase in all[rule].Rule.Exclude.Values.SelectMany(list => list))
            {
                AddPattern(phrase, rule, isExclude: true);
                _ruleHasExcludes[rule] = true;
            }
        }

        _automaton.Build();
    }

    public NewsMatch Match(FeedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Match(item.Title, item.Summary);
    }

    public NewsMatch Match(string? title, string? summary = null)
    {
        var text = Prepare(title, summary);
        if (text.Length == 0)
        {
            return NewsMatch.None;
        }

        var matched = new bool[_ruleIds.Length];
        List<Span>? keywordHits = null;
        List<Span>? excludeHits = null;

        _automaton.FindAll(text, (index, start, length) =>
        {
            var pattern = _patterns[index];
            if (matched[pattern.Rule] && !pattern.IsExclude)
            {
                return;
            }

            if (pattern.CheckStart && start > 0 && NewsText.IsSpacedWordChar(text[start - 1]))
            {
                return;
            }

            var end = start + length;
            if (pattern.CheckEnd && end < text.Length && NewsText.IsSpacedWordChar(text[end]))
            {
                return;
            }

            if (pattern.IsExclude)
            {
                (excludeHits ??= []).Add(new Span(pattern.Rule, start, end));
            }
            else if (_ruleHasExcludes[pattern.Rule])
            {
                (keywordHits ??= []).Add(new Span(pattern.Rule, start, end));
            }
            else
            {
                matched[pattern.Rule] = true;
            }
        });

        if (keywordHits is not null)
        {
            ResolveExcludes(text.Length, keywordHits, excludeHits ?? [], matched);
        }

        var topics = new HashSet<string>(StringComparer.Ordinal);
        var regions = new HashSet<string>(StringComparer.Ordinal);
        for (var rule = 0; rule < matched.Length; rule++)
        {
            if (matched[rule])
            {
                (_ruleIsTopic[rule] ? topics : regions).Add(_ruleIds[rule]);
            }
        }

        return topics.Count == 0 && regions.Count == 0 ? NewsMatch.None : new NewsMatch(topics, regions);
    }

    internal static string Prepare(string? title, string? summary)
    {
        var normalizedTitle = NewsText.Normalize(title, MaxInputChars);
        var room = MaxInputChars - (title?.Length ?? 0);
        if (room <= 0 || string.IsNullOrEmpty(summary))
        {
            return Cap(normalizedTitle);
        }

        var normalizedSummary = NewsText.Normalize(summary, room);
        return Cap(normalizedTitle.Length == 0 ? normalizedSummary : normalizedTitle + Separator + normalizedSummary);
    }

    // NFKC may expand a character (e.g. a ligature) into several; cap again so the bound holds after normalization.
    private static string Cap(string text) =>
        text.Length <= 2 * MaxInputChars ? text : text[..(2 * MaxInputChars)];

    // A keyword occurrence is cancelled when an exclude occurrence of the same rule covers it. For each rule with
    // pending hits: furthest[p] = the furthest end of an exclude starting at or before p (a prefix maximum), O(n).
    private static void ResolveExcludes(int textLength, List<Span> keywordHits, List<Span> excludeHits, bool[] matched)
    {
        var byRule = keywordHits.Where(h => !matched[h.Rule]).GroupBy(h => h.Rule);
        foreach (var hits in byRule)
        {
            var rule = hits.Key;
            var excludes = excludeHits.Where(e => e.Rule == rule).ToList();
            if (excludes.Count == 0)
            {
                matched[rule] = true;
                continue;
            }

            var furthest = new int[textLength];
            Array.Fill(furthest, -1);
            foreach (var exclude in excludes)
            {
                furthest[exclude.Start] = Math.Max(furthest[exclude.Start], exclude.End);
            }

            for (var p = 1; p < textLength; p++)
            {
                furthest[p] = Math.Max(furthest[p], furthest[p - 1]);
            }

            matched[rule] = hits.Any(hit => furthest[hit.Start] < hit.End);
        }
    }

    private void AddPattern(string phrase, int rule, bool isExclude)
    {
        var normalized = NewsText.Normalize(phrase).Trim();
        var isPrefix = normalized.EndsWith('*');
        normalized = normalized.TrimEnd('*').TrimEnd();
        if (normalized.Length == 0)
        {
            return;
        }

        var index = _automaton.Add(normalized);
        _patterns.Add(new Pattern(
            rule,
            isExclude,
            CheckStart: NewsText.IsSpacedWordChar(normalized[0]),
            CheckEnd: !isPrefix && NewsText.IsSpacedWordChar(normalized[^1])));
        Debug.Assert(index == _patterns.Count - 1, "Pattern indices follow insertion order.");
    }

    private readonly record struct Pattern(int Rule, bool IsExclude, bool CheckStart, bool CheckEnd);

    private readonly record struct Span(int Rule, int Start, int End);
}
