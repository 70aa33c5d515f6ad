using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// A caseworker answers a relayed message the way people answer in Telegram: by replying to it (SPEC §4.4). A reply to
/// a relayed copy goes to its family if this chat may still answer the case; otherwise it is answered and goes nowhere.
/// A caseworker's reply to any other message, outside a flow, is answered too, so no one believes it was passed on.
/// </summary>
public sealed class RelayReplyTarget(CaseworkerAnswer answer) : IReplyTarget
{
    public async Task<bool> TryHandleAsync(Turn turn, int repliedToMessageId, string text, CancellationToken cancellationToken)
    {
        var copy = await RelayCopies.FindByMessageAsync(turn.Db, turn.Chat, repliedToMessageId, turn.Now, cancellationToken);
        if (copy is null)
        {
            if (turn.Role is not (Role.Caseworker or Role.Admin) || turn.Session.Flow is not null)
            {
                return false; // a family's reply, or an answer to the step in progress: read as usual
            }

            turn.IncomingIsSensitive = true; // it may well be an answer meant for a family
            turn.Reply(turn.T("cw.answer.not_relay"));
            return true;
        }

        turn.IncomingIsSensitive = true;
        if (!await CaseworkerAnswer.MayAnswerAsync(turn, copy, cancellationToken))
        {
            turn.Reply(turn.T("cw.answer.not_followed"));
            return true;
        }

        await answer.SendAsync(turn, copy.CaseId, text, cancellationToken);
        return true;
    }
}
