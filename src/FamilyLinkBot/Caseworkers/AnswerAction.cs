using System.Globalization;
using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// Starts a caseworker's answer whose text comes next (docs/DESIGN.md#44-relay): "answer:copy:&lt;outboxId&gt;" is the Reply button
/// under a relayed message; "answer:case:&lt;caseId&gt;" is the hand-off from /reply without text. Both are checked
/// again here: buttons are not role-checked by the router, and the caseworker may have lost the case meanwhile.
/// </summary>
public sealed class AnswerAction(RelayCopyStore relayCopies, CaseworkerAnswer answer, CaseReference references) : IMenuAction
{
    public const string Name = "answer";

    public string Prefix => Name;

    /// <summary>The Reply button's action for the relayed copy carried by outbox item <paramref name="outboxId"/>.</summary>
    public static string ForCopy(long outboxId) => Name + ":copy:" + outboxId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The hand-off that asks for an answer to a case the caseworker named.</summary>
    public static FollowUp For(string caseId) => FollowUp.Action<AnswerAction>("case:" + caseId);

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(':', 2);
        string? caseId = null;
        if (parts is ["copy", var idText] && long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var outboxId))
        {
            var copy = await relayCopies.FindByOutboxAsync(turn.Db, turn.Chat, outboxId, turn.Now, cancellationToken);
            caseId = copy is not null && await answer.MayAnswerAsync(turn, copy, cancellationToken) ? copy.CaseId : null;
        }
        else if (parts is ["case", var named] && await answer.MayAnswerAsync(turn, named, cancellationToken))
        {
            caseId = named;
        }

        if (caseId is null)
        {
            turn.Reply(turn.T("cw.answer.not_followed"));
            return;
        }

        AnswerFlow.Begin(turn, caseId, references.Of(caseId));
    }
}
