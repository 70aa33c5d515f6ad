using System.Collections.Frozen;
using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The caseworker's next text after the Reply button (or /reply without text) goes to the family of one case
/// (docs/DESIGN.md#44-relay). Text only, within the relay limit; /cancel leaves it.
/// </summary>
public sealed class AnswerFlow(CaseworkerAnswer answer) : IFlow
{
    public const string FlowName = "answer";
    private const string Text = "text";
    private const string CaseKey = "case";

    /// <summary>The flow's steps; each is stored in the session under its key (<see cref="Key"/>).</summary>
    private enum AnswerStep
    {
        Text,
    }

    private static readonly FrozenDictionary<string, AnswerStep> StepsByKey =
        Enum.GetValues<AnswerStep>().ToFrozenDictionary(Key, StringComparer.Ordinal);

    public string Name => FlowName;

    public static void Begin(Turn turn, string caseId, string reference)
    {
        turn.Session.StartFlow(FlowName, Key(AnswerStep.Text), turn.Now);
        turn.Session.Data[CaseKey] = caseId;
        // The prompt's own menu replaces the live one, so a typed "1" is the answer, not a button number.
        turn.Reply(
            turn.F("cw.answer.prompt", ("ref", reference), ("limit", CaseworkerAnswer.LimitText)),
            [[new MenuOption(Router.CommandAction("cancel"), "button.cancel")]],
            acceptsNumbers: false);
    }

    public Task HandleTextAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true;
        return CurrentStep(turn) switch
        {
            AnswerStep.Text => SendAnswerAsync(turn, text, cancellationToken),
            null => EndUnknownStep(turn),
        };
    }

    private async Task SendAnswerAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        if (!turn.Session.Data.TryGetValue(CaseKey, out var caseId) || !await answer.MayAnswerAsync(turn, caseId, cancellationToken))
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

    /// <summary>The session key of each step (also its stored name, so a flow in progress survives an upgrade).</summary>
    private static string Key(AnswerStep step) => step switch
    {
        AnswerStep.Text => Text,
    };

    /// <summary>The step the chat is at; null if the stored step is none of ours (the flow then ends).</summary>
    private static AnswerStep? CurrentStep(Turn turn) =>
        turn.Session.Step is { } key && StepsByKey.TryGetValue(key, out var step) ? step : null;

    private static Task EndUnknownStep(Turn turn)
    {
        turn.Session.EndFlow();
        turn.Continue(FollowUp.MainMenu);
        return Task.CompletedTask;
    }
}
