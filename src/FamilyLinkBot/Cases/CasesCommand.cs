using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Cases;

/// <summary>/cases: the family's cases with their status and last update, and per case View, Message caseworker, New token, Close case.</summary>
public sealed class CasesCommand(CaseStore store) : IBotCommand
{
    public string Name => "cases";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.cases";

    public MainMenuEntry? MainMenu => new(1, 0, "menu.cases");

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        var cases = await store.ListAsync(turn.Db, turn.Chat, cancellationToken);
        if (cases.Count == 0)
        {
            turn.CloseMenu();
            turn.Reply(turn.T("cases.none"));
            return;
        }

        var lines = cases.Select(c => turn.F(
            "cases.item",
            ("label", CaseText.Label(turn, c)),
            ("status", CaseText.Status(turn, c.Status)),
            ("date", Dates.Show(c.UpdatedAt))) + " " + turn.F("cases.code_form", ("form", CaseText.CodeForm(turn, c.CodeForm))));
        var rows = new List<IReadOnlyList<MenuOption>>();
        foreach (var summary in cases)
        {
            rows.Add([new MenuOption("case:view:" + summary.Id, null, turn.T("button.view") + " · " + Shorten(CaseText.Label(turn, summary)))]);
            rows.Add(CaseActions.Buttons(summary));
        }

        turn.Reply(turn.T("cases.header") + "\n" + string.Join("\n", lines), rows, sensitive: true);
    }

    private static string Shorten(string label) => label.Length <= 20 ? label : label[..19] + "…";
}
