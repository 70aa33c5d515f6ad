using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The caseworker's next text after the Reply button (or /reply without text) goes to the family of one case
/// (docs/DESIGN.md#44-relay). Text only, within the relay limit; /cancel leaves it.
/// </summary>
public sealed class AnswerFlow(CaseworkerAnswer answer) : IFlow
{
    public const string FlowName = "answer";
    private const string Step = "text";
    private const string CaseKey = "case";

    public string Name => FlowName;

    public static void Begin(Turn turn, string caseId, string reference)
    {
        turn.Session.StartFlow(FlowName, Step, turn.Now);
        turn.Session.Data[CaseKey] = caseId;
        // The prompt's own menu replaces the live one, so a typed "1" is the answer, not a button number.
        turn.Reply(
            turn.F("cw.answer.prompt", ("ref", reference), ("limit", CaseworkerAnswer.LimitText)),
            [[new MenuOption(Router.CommandAction("cancel"), "button.cancel")]],
            acceptsNumbers: false);
    }

    public async Task HandleTextAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true;
        if (!turn.Session.Data.TryGetValue(CaseKey, out var caseId) || !await CaseworkerAnswer.MayAnswerAsync(turn, caseId, cancellationToken))
        {
            turn.Session.EndFlow();
            turn.CloseMenu();
            turn.Reply(turn.T("cw.answer.not_followed"));
            return;
        }

        if (await answer.SendAsync(turn, caseId, text, cancellationToken))
        {
            turn.Session.EndFlow();
            turn.CloseMenu();
        }
    }

    public Task HandleNonTextAsync(Turn turn, CancellationToken cancellationToken)
    {
        turn.Reply(turn.F("relay.nontext", ("limit", CaseworkerAnswer.LimitText)));
        return Task.CompletedTask;
    }
}
