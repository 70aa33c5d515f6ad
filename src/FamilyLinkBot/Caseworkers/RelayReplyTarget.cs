using System.Text.RegularExpressions;
using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// A caseworker answers a relayed message the way people answer in Telegram: by replying to it (docs/DESIGN.md#44-relay). A reply to
/// a relayed copy goes to its family if this chat may still answer the case; otherwise it is answered and goes nowhere.
/// A caseworker's reply to any other message, outside a flow, is answered too, so no one believes it was passed on.
/// </summary>
public sealed partial class RelayReplyTarget(RelayCopyStore relayCopies, Privacy.TrackedMessageStore trackedMessages, CaseworkerAnswer answer, CaseReference references) : IReplyTarget
{
    public async Task<bool> TryHandleAsync(Turn turn, int repliedToMessageId, string text, CancellationToken cancellationToken)
    {
        var copy = await relayCopies.FindByMessageAsync(turn.Db, turn.Chat, repliedToMessageId, turn.Now, cancellationToken)
            ?? await FindUnrecordedAsync(turn, repliedToMessageId, cancellationToken);
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
        if (!await answer.MayAnswerAsync(turn, copy, cancellationToken))
        {
            turn.Reply(turn.T("cw.answer.not_followed"));
            return true;
        }

        await answer.SendAsync(turn, copy.CaseId, text, cancellationToken);
        return true;
    }

    /// <summary>
    /// A reply that came before the outbox recorded the copy's message id: the quoted text names the case's reference,
    /// and only copies still unrecorded in this chat are considered. A message whose send has already settled (it is
    /// tracked) is not a copy, or it would have been found by its id: a reply to a /case view never matches one, even
    /// while a copy of that case is still on its way.
    /// </summary>
    private async Task<RelayCopy?> FindUnrecordedAsync(Turn turn, int repliedToMessageId, CancellationToken cancellationToken)
    {
        if (turn.RepliedToText is not { } quoted || Reference().Match(quoted) is not { Success: true } match
            || await trackedMessages.IsTrackedAsync(turn.Db, turn.Chat.Id, repliedToMessageId, cancellationToken))
        {
            return null;
        }

        var copies = await relayCopies.UnrecordedAsync(turn.Db, turn.Chat, turn.Now, cancellationToken);
        return copies.LastOrDefault(c => string.Equals(references.Of(c.CaseId), match.Value, StringComparison.Ordinal));
    }

    [GeneratedRegex("#[0-9a-f]{8}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
