using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Caseworkers;

/// <summary>/mycases (caseworkers): the cases this caseworker follows, by reference, with status and last update.</summary>
public sealed class MyCasesCommand(CaseworkerStore caseworkers, CaseReference references) : IBotCommand
{
    public string Name => "mycases";

    public Role Role => Role.Caseworker;

    public string? DescriptionKey => null;

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        var cases = await caseworkers.FollowedAsync(turn.Db, turn.Chat.Id, cancellationToken);
        if (cases.Count == 0)
        {
            turn.Reply(turn.T("cw.mycases.none"));
            return;
        }

        var lines = cases.Select(c => turn.F(
            "cw.mycases.item",
            ("ref", references.Of(c.CaseId)),
            ("status", CaseText.Status(turn, c.Status)),
            ("date", Dates.Show(c.UpdatedAt))));
        turn.Reply(turn.T("cw.mycases.header") + "\n" + string.Join("\n", lines));
    }
}
