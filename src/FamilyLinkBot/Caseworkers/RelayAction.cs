using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// "Message caseworker" (from /cases, as action "relay:&lt;caseId&gt;"): starts the relay flow for one of the family's
/// own cases; the next text goes to the case's caseworkers (docs/DESIGN.md#44-relay).
/// </summary>
public sealed class RelayAction(CaseStore cases) : IMenuAction
{
    public string Prefix => "relay";

    /// <summary>The hand-off that starts the relay for one of the family's cases.</summary>
    public static FollowUp For(string caseId) => FollowUp.Action<RelayAction>(caseId);

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        if (await cases.GetAsync(turn.Db, turn.Chat, argument, cancellationToken) is not { } summary)
        {
            turn.CloseMenu();
            turn.Reply(turn.T("case.not_found"));
            return;
        }

        RelayFlow.Begin(turn, summary.Id);
    }
}
