using System.Diagnostics;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// Finds the topics and regions of a news item, per docs/DESIGN.md#7-news-alerts: normalized text (Traditional Chinese folded to
/// Simplified), whole-word matching for spaced scripts, substring matching for Korean and Chinese, exclude phrases,
/// and one linear-time Aho–Corasick pass over at most <see cref="MaxInputChars"/> characters. A topic matches on one of
/// its own keywords, or on a clause: a term from each of its groups (what happens, and to whom), optionally within a
/// word window. Immutable and safe to share between threads.
/// </summary>
public sealed class NewsMatcher
{
    /// <summary>Title and summary together are cut to this many characters; a headline's news is at its start.</summary>
    public const int MaxInputChars = 4_000;

    // A hostile text full of overlapping terms cannot make the work after the automaton grow without bound.
    private const int MaxHits = 20_000;

    // Title and summary are joined with a separator no phrase can span.
    private const string Separator = " \u0001 ";

    private readonly KeywordAutomaton _automaton = new();
    private readonly List<Pattern> _patterns = [];
    private readonly int _groupCount;
    private readonly string[] _ruleIds;
    private readonly bool[] _ruleIsTopic;
    private readonly Clause[][] _ruleClauses;

    public NewsMatcher(MatchingRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var all = rules.Topics.Select(r => (Rule: r, IsTopic: true))
            .Concat(rules.Regions.Select(r => (Rule: r, IsTopic: false)))
            .ToList();
        _groupCount = rules.Groups.Count;
        _ruleIds = all.Select(r => r.Rule.Id).ToArray();
        _ruleIsTopic = all.Select(r => r.IsTopic).ToArray();
        var groupIndex = rules.Groups.Select((g, i) => (g.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        _ruleClauses = all.Select(r => r.Rule.When
            .Select(c => new Clause(c.Groups.Select(g => groupIndex[g]).ToArray(), c.Window))
            .ToArray()).ToArray();

        for (var group = 0; group < rules.Groups.Count; group++)
        {
            AddPatterns(rules.Groups[group].Terms, group, isExclude: false);
            AddPatterns(rules.Groups[group].Exclude, group, isExclude: true);
        }

        for (var rule = 0; rule < all.Count; rule++)
        {
            AddPatterns(all[rule].Rule.Keywords, _groupCount + rule, isExclude: false);
            AddPatterns(all[rule].Rule.Exclude, _groupCount + rule, isExclude: true);
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

        var owners = _groupCount + _ruleIds.Length;
        var terms = new List<Span>?[owners];
        var excludes = new List<Span>?[owners];
        var hits = 0;
        _automaton.FindAll(text, (index, start, length) =>
        {
            var pattern = _patterns[index];
            var end = start + length;
            if (hits >= MaxHits
                || (pattern.CheckStart && start > 0 && NewsText.IsSpacedWordChar(text[start - 1]))
                || (pattern.CheckEnd && end < text.Length && NewsText.IsSpacedWordChar(text[end])))
            {
                return;
            }

            hits++;
            var lists = pattern.IsExclude ? excludes : terms;
            (lists[pattern.Owner] ??= []).Add(new Span(start, end));
        });

        // A group's terms inside the group's own exclude phrases are gone for every topic.
        for (var group = 0; group < _groupCount; group++)
        {
            terms[group] = Uncovered(terms[group], excludes[group]);
        }

        int[]? positions = null;
        var topics = new HashSet<string>(StringComparer.Ordinal);
        var regions = new HashSet<string>(StringComparer.Ordinal);
        for (var rule = 0; rule < _ruleIds.Length; rule++)
        {
            var owner = _groupCount + rule;
            var ruleExcludes = excludes[owner];
            var matched = Uncovered(terms[owner], ruleExcludes) is { Count: > 0 };
            foreach (var clause in _ruleClauses[rule])
            {
                if (matched)
                {
                    break;
                }

                var occurrences = new List<Span>[clause.Groups.Length];
                var complete = true;
                for (var g = 0; g < clause.Groups.Length && complete; g++)
                {
                    var uncovered = Uncovered(terms[clause.Groups[g]], ruleExcludes);
                    complete = uncovered is { Count: > 0 };
                    occurrences[g] = uncovered ?? [];
                }

                if (complete)
                {
                    matched = clause.Window is not { } window || WithinWindow(occurrences, window, positions ??= WordPositions(text));
                }
            }

            if (matched)
            {
                (_ruleIsTopic[rule] ? topics : regions).Add(_ruleIds[rule]);
            }
        }

        return topics.Count == 0 && regions.Count == 0 ? NewsMatch.None : new NewsMatch(topics, regions);
    }

    internal static string Prepare(string? title, string? summary)
    {
        var normalizedTitle = Fold(NewsText.Normalize(title, MaxInputChars));
        var room = MaxInputChars - (title?.Length ?? 0);
        if (room <= 0 || string.IsNullOrEmpty(summary))
        {
            return Cap(normalizedTitle);
        }

        var normalizedSummary = Fold(NewsText.Normalize(summary, room));
        return Cap(normalizedTitle.Length == 0 ? normalizedSummary : normalizedTitle + Separator + normalizedSummary);
    }

    // Matching only (story keys keep NewsText.Normalize as it is): Traditional Chinese as Simplified, and the middle
    // dots of "북·중" and "中·朝" dropped, so a rule lists one form.
    private static string Fold(string normalized)
    {
        var folded = ChineseFold.ToSimplified(normalized);
        return folded.AsSpan().IndexOfAny(MiddleDots) < 0 ? folded : string.Concat(folded.Split(MiddleDots.ToCharArray()));
    }

    private const string MiddleDots = "·・‧･";

    // NFKC may expand a character (e.g. a ligature) into several; cap again so the bound holds after normalization.
    private static string Cap(string text) =>
        text.Length <= 2 * MaxInputChars ? text : text[..(2 * MaxInputChars)];

    // The occurrences not lying inside an exclude occurrence. Sorted sweeps: O(n log n) in the (capped) hit count.
    private static List<Span>? Uncovered(List<Span>? hits, List<Span>? excludes)
    {
        if (hits is null || excludes is null || hits.Count == 0)
        {
            return hits;
        }

        var sortedExcludes = excludes.OrderBy(e => e.Start).ToList();
        var kept = new List<Span>(hits.Count);
        var next = 0;
        var furthest = -1;
        foreach (var hit in hits.OrderBy(h => h.Start))
        {
            while (next < sortedExcludes.Count && sortedExcludes[next].Start <= hit.Start)
            {
                furthest = Math.Max(furthest, sortedExcludes[next++].End);
            }

            if (furthest < hit.End)
            {
                kept.Add(hit);
            }
        }

        return kept;
    }

    // Positions in half-words: a space starts a new word (2), a Chinese character is half a word (1), since Chinese
    // writes no spaces and its words are mostly two characters long.
    private static int[] WordPositions(string text)
    {
        var positions = new int[text.Length + 1];
        var unit = 0;
        for (var i = 0; i < text.Length; i++)
        {
            positions[i] = unit;
            if (text[i] == ' ')
            {
                unit += 2;
            }
            else if (text[i] is (>= '\u3400' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF'))
            {
                unit += 1;
            }
        }

        positions[text.Length] = unit;
        return positions;
    }

    // Is there one occurrence of every group with all their starts within the window? A sliding window over the
    // occurrences sorted by position (the "smallest range covering k lists" sweep).
    private static bool WithinWindow(List<Span>[] occurrences, int window, int[] positions)
    {
        var all = new List<(int Position, int Group)>();
        for (var g = 0; g < occurrences.Length; g++)
        {
            all.AddRange(occurrences[g].Select(o => (positions[o.Start], g)));
        }

        all.Sort((a, b) => a.Position.CompareTo(b.Position));
        var counts = new int[occurrences.Length];
        var covered = 0;
        var left = 0;
        foreach (var (position, group) in all)
        {
            if (counts[group]++ == 0)
            {
                covered++;
            }

            while (covered == occurrences.Length)
            {
                if (position - all[left].Position <= 2 * window)
                {
                    return true;
                }

                if (--counts[all[left].Group] == 0)
                {
                    covered--;
                }

                left++;
            }
        }

        return false;
    }

    private void AddPatterns(IReadOnlyDictionary<string, IReadOnlyList<string>> lists, int owner, bool isExclude)
    {
        foreach (var phrase in lists.Values.SelectMany(list => list))
        {
            var normalized = Fold(NewsText.Normalize(phrase)).Trim();
            var isPrefix = normalized.EndsWith('*');
            normalized = normalized.TrimEnd('*').TrimEnd();
            if (normalized.Length == 0)
            {
                continue;
            }

            var index = _automaton.Add(normalized);
            _patterns.Add(new Pattern(
                owner,
                isExclude,
                CheckStart: NewsText.IsSpacedWordChar(normalized[0]),
                CheckEnd: !isPrefix && NewsText.IsSpacedWordChar(normalized[^1])));
            Debug.Assert(index == _patterns.Count - 1, "Pattern indices follow insertion order.");
        }
    }

    // Owner: a group index, or the group count plus a topic's or region's index (topics first).
    private readonly record struct Pattern(int Owner, bool IsExclude, bool CheckStart, bool CheckEnd);

    private readonly record struct Span(int Start, int End);

    private sealed record Clause(int[] Groups, int? Window);
}
