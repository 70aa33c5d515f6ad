using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The buttons of /caseworkers: "cw:revoke:&lt;chat&gt;" asks, "cw:revoke_yes:&lt;chat&gt;" revokes. The chat comes from
/// the admin's own stored menu; the role is checked again, since an admin may have been removed from configuration.
/// </summary>
public sealed class CaseworkerActions(CaseworkerStore caseworkers, OutboxStore outbox) : IMenuAction
{
    public string Prefix => "cw";

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(':', 2);
        if (turn.Role is not Role.Admin || parts.Length != 2)
        {
            turn.CallbackAnswer = turn.T("answer.button_expired");
            return;
        }

        var entry = (await caseworkers.ListActiveAsync(turn.Db, cancellationToken)).FirstOrDefault(c => c.ChatRef == parts[1]);
        switch (parts[0])
        {
            case "revoke" when entry is not null:
                turn.Reply(
                    turn.F("cw.revoke.confirm", ("name", entry.Pseudonym)),
                    [[new MenuOption("cw:revoke_yes:" + entry.ChatRef, "cw.button.revoke_yes"), new MenuOption("cw:keep:" + entry.ChatRef, "cw.button.keep")]],
                    acceptsNumbers: false);
                break;
            case "revoke_yes" when entry is not null:
                await caseworkers.RevokeAsync(turn.Db, entry.ChatRef, turn.Now, cancellationToken);
                // Relayed family messages and notices still queued for them are no longer theirs to read.
                await outbox.CancelPendingAsync(turn.Db, entry.ChatRef, cancellationToken);
                turn.CloseMenu();
                turn.CallbackAnswer = turn.T("answer.done");
                turn.Reply(turn.F("cw.revoke.done", ("name", entry.Pseudonym)));
                break;
            case "keep":
                turn.CloseMenu();
                turn.CallbackAnswer = turn.T("answer.kept");
                break;
            default:
                turn.CallbackAnswer = turn.T("answer.button_expired");
                break;
        }
    }
}
