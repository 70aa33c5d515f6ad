using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Caseworkers;

/// <summary>/caseworkers (admins): the active caseworkers by pseudonym, each with a Revoke button.</summary>
public sealed class CaseworkersCommand(CaseworkerStore caseworkers) : IBotCommand
{
    public string Name => "caseworkers";

    public Role Role => Role.Admin;

    public string? DescriptionKey => null;

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken) =>
        await ShowAsync(turn, editPressed: false, cancellationToken);

    public async Task ShowAsync(Turn turn, bool editPressed, CancellationToken cancellationToken)
    {
        var list = await caseworkers.ListActiveAsync(turn.Db, cancellationToken);
        if (list.Count == 0)
        {
            turn.CloseMenu();
            turn.Reply(turn.T("cw.list.none"));
            return;
        }

        var lines = list.Select(c => turn.F("cw.list.item", ("name", c.Pseudonym), ("date", Dates.Show(c.JoinedAt))));
        var rows = list.Select(c => (IReadOnlyList<MenuOption>)[new MenuOption("cw:revoke:" + c.ChatRef, null, turn.F("cw.button.revoke", ("name", c.Pseudonym)))]).ToList();
        turn.Reply(turn.T("cw.list.header") + "\n" + string.Join("\n", lines), rows, acceptsNumbers: false, editPressed: editPressed);
    }
}
