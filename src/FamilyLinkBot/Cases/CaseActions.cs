using FamilyLinkBot.Conversations;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Privacy;

namespace FamilyLinkBot.Cases;

/// <summary>
/// The buttons of /cases and of a case view. The case id comes from the chat's own stored menu, never from
/// what the user sent, and every look-up is filtered by the chat, so no one reaches another family's case.
/// </summary>
public sealed class CaseActions(CaseStore cases, Caseworkers.FamilyMessages familyMessages, Microsoft.Extensions.Options.IOptions<RetentionOptions> retention) : IMenuAction
{
    public string Prefix => "case";

    public static IReadOnlyList<MenuOption> Buttons(CaseSummary summary)
    {
        var row = new List<MenuOption>
        {
            new("case:msg:" + summary.Id, "button.message_caseworker"),
            new("case:token:" + summary.Id, "button.new_token"),
        };
        if (summary.Status != CaseStatus.Closed)
        {
            row.Add(new("case:close:" + summary.Id, "button.close_case"));
        }

        return row;
    }

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(':', 2);
        if (parts is ["keep"])
        {
            turn.CloseMenu();
            turn.CallbackAnswer = turn.T("answer.kept");
            return;
        }

        if (parts.Length != 2 || await cases.GetAsync(turn.Db, turn.Chat, parts[1], cancellationToken) is not { } summary)
        {
            turn.CloseMenu();
            turn.Reply(turn.T("case.not_found"));
            return;
        }

        var label = CaseText.Label(turn, summary);
        switch (parts[0])
        {
            case "view":
                var history = await cases.HistoryAsync(turn.Db, turn.Chat.Key, summary.Id, cancellationToken);
                turn.Reply(CaseText.View(turn, summary, history), [Buttons(summary)], sensitive: true);
                await familyMessages.ShowAsync(turn, summary, cancellationToken);
                break;
            case "msg":
                turn.Continue(Caseworkers.RelayAction.For(summary.Id));
                break;
            case "token":
                // The new code keeps the current form, or switches to the other one (Korean words or FL- letters).
                var other = summary.CodeForm == CaseCodeForm.Words ? CaseCodeForm.Letters : CaseCodeForm.Words;
                turn.Reply(
                    turn.F("case.new_token.confirm", ("label", label)) + "\n" + turn.F("case.new_token.form", ("form", CaseText.CodeForm(turn, summary.CodeForm))),
                    [
                        [new MenuOption("case:token_yes:" + summary.Id, "button.make_new_token")],
                        [new MenuOption("case:token_" + other.Code() + ":" + summary.Id, SwitchKey(other))],
                        [new MenuOption("case:keep", "button.keep_token")],
                    ]);
                break;
            case "token_yes":
                await RotateAsync(turn, summary, summary.CodeForm, label, cancellationToken);
                break;
            case "token_words":
                await RotateAsync(turn, summary, CaseCodeForm.Words, label, cancellationToken);
                break;
            case "token_letters":
                await RotateAsync(turn, summary, CaseCodeForm.Letters, label, cancellationToken);
                break;
            case "close" when summary.Status != CaseStatus.Closed:
                turn.Reply(
                    turn.F("case.close.confirm", ("label", label), ("days", retention.Value.ClosedCaseDays)),
                    [[new MenuOption("case:close_yes:" + summary.Id, "button.close_case"), new MenuOption("case:keep", "button.keep_open")]]);
                break;
            case "close_yes" when summary.Status != CaseStatus.Closed:
                await cases.SetStatusAsync(turn.Db, turn.Chat.Key, summary.Id, CaseStatus.Closed, null, turn.Now, cancellationToken);
                turn.CloseMenu();
                turn.Reply(turn.F("case.closed", ("label", label)), sensitive: true);
                break;
            default:
                turn.CallbackAnswer = turn.T("answer.button_expired");
                break;
        }
    }

    /// <summary>The default form of a new case's code: Korean words for a family whose language is Korean.</summary>
    public static CaseCodeForm DefaultForm(Resources.Language language) =>
        language == Resources.Language.Ko ? CaseCodeForm.Words : CaseCodeForm.Letters;

    private static string SwitchKey(CaseCodeForm form) => form switch
    {
        CaseCodeForm.Words => "button.new_code_words",
        CaseCodeForm.Letters => "button.new_code_letters",
    };

    private async Task RotateAsync(Turn turn, CaseSummary summary, CaseCodeForm form, string label, CancellationToken cancellationToken)
    {
        var token = await cases.RotateTokenAsync(turn.Db, turn.Chat, summary.Id, form, turn.Now, cancellationToken);
        turn.CloseMenu();
        turn.Reply(turn.F("case.new_token.done", ("label", label)), sensitive: true);
        turn.Reply(turn.F("reg.token", ("token", token.ToString())), sensitive: true);
    }
}
