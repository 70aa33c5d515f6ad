using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// /reply CASE text (caseworkers), where CASE is the case code or the reference (<c>#3f9a01c2</c>) of a followed case:
/// the text reaches the family labelled "your caseworker" (docs/DESIGN.md#44-relay). Without text it asks for it, as the Reply
/// button under a relayed message does.
/// </summary>
public sealed class ReplyCommand(CaseLookup lookup, CaseworkerStore caseworkers, CaseworkerAnswer answer) : IBotCommand
{
    public string Name => "reply";

    public Role Role => Role.Caseworker;

    public string? DescriptionKey => null;

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true;
        var (caseText, text) = CaseLookup.SplitCase(arguments);
        if (caseText.Length == 0)
        {
            turn.Reply(turn.T("cw.reply.usage"));
            return;
        }

        if (text.Length > RelayMessageStore.Limit)
        {
            // Checked before the look-up, so an over-long text does not use up look-ups.
            turn.Reply(turn.F("cw.reply.too_long", ("length", text.Length), ("limit", CaseworkerAnswer.LimitText)));
            return;
        }

        using var found = await lookup.FindOrAnswerAsync(turn, caseText, cancellationToken);
        if (found is null)
        {
            return;
        }

        if (text.Length == 0)
        {
            // The case is known now; asking for the text is the Reply button's flow.
            await caseworkers.FollowAsync(turn.Db, found.Case.Id, turn.Chat.Id, turn.Now, cancellationToken);
            turn.Continue(AnswerAction.For(found.Case.Id));
            return;
        }

        await answer.SendAsync(turn, found, text, cancellationToken);
    }
}
