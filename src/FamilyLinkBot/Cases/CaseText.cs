using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Cases;

/// <summary>How cases read in a family's language: labels, places, dates and the case view.</summary>
public static class CaseText
{
    public static string Label(Turn turn, CaseSummary summary) => Label(turn.Texts, turn.Language, summary);

    /// <summary>The label in a given language, for pushes to a family outside its own turn.</summary>
    public static string Label(Texts texts, Language language, CaseSummary summary) =>
        summary.Details.Alias is { Length: > 0 } alias
            ? alias
            : Rendered(texts.Format(language, "case.label_fallback", ("relation", texts.Get(language, CaseChoices.RelationKey(summary.Details.Relation))), ("number", summary.Number)));

    public static string Place(Turn turn, CaseDetails details) =>
        details.PlaceDetail is { Length: > 0 } detail
            ? turn.T(CaseChoices.RegionKey(details.Region)) + ", " + detail
            : turn.T(CaseChoices.RegionKey(details.Region));

    public static string Since(Turn turn, CaseDetails details) => details.Since ?? turn.T("value.unknown_date");

    public static string Status(Turn turn, CaseStatus status) => turn.T(status.LabelKey());

    /// <summary>The full case, with its history, for the family (and, without their identity, for caseworkers).</summary>
    public static string View(Turn turn, CaseSummary summary, IReadOnlyList<CaseHistoryEntry> history)
    {
        var lines = history.Select(entry =>
        {
            var line = turn.F("case.history_line", ("date", Dates.Show(entry.At)), ("status", Status(turn, entry.Status)));
            return entry.Note is { Length: > 0 } note ? line + " " + turn.F("case.history_note", ("note", note)) : line;
        });
        return turn.F(
            "case.view",
            ("label", Label(turn, summary)),
            ("relation", turn.T(CaseChoices.RelationKey(summary.Details.Relation))),
            ("place", Place(turn, summary.Details)),
            ("since", Since(turn, summary.Details)),
            ("status", Status(turn, summary.Status)),
            ("history", new SafeHtml(string.Join("\n", lines))));
    }

    /// <summary>A resource string that holds no markup, as plain text (for use as a value or a button label).</summary>
    private static string Rendered(string html) => System.Net.WebUtility.HtmlDecode(html);
}
