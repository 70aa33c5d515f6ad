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

    /// <summary>The form of a case's code, as /cases and the new-code prompt name it.</summary>
    public static string CodeForm(Turn turn, Crypto.CaseCodeForm form) => turn.T(form switch
    {
        Crypto.CaseCodeForm.Words => "code_form.words",
        Crypto.CaseCodeForm.Letters => "code_form.letters",
    });

    /// <summary>Characters of history a case view holds at most (the rest of the view stays well under 1,000).</summary>
    public const int HistoryBudget = 2800;

    /// <summary>The full case, with its history, for the family (and, without their identity, for caseworkers).</summary>
    public static string View(Turn turn, CaseSummary summary, IReadOnlyList<CaseHistoryEntry> history)
    {
        // Caseworkers' notes (up to 500 characters each) could push a long history past Telegram's 4,096-character
        // limit; the newest entries that fit in the budget are shown, the oldest dropped.
        var lines = new List<string>();
        var budget = HistoryBudget;
        for (var i = history.Count - 1; i >= 0; i--)
        {
            var entry = history[i];
            var line = turn.F("case.history_line", ("date", Dates.Show(entry.At)), ("status", Status(turn, entry.Status)));
            line = entry.Note is { Length: > 0 } note ? line + " " + turn.F("case.history_note", ("note", note)) : line;
            budget -= line.Length + 1;
            if (budget < 0 && lines.Count > 0)
            {
                lines.Add("…");
                break;
            }

            lines.Add(line);
        }

        lines.Reverse();
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
