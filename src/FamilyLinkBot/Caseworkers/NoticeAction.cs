using System.Globalization;
using FamilyLinkBot.Alerts;
using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The Show button of a discreet notice (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications): "notice:status:&lt;caseId&gt;" or "notice:reply:&lt;messageId&gt;", from the
/// family's own menu, and checked again against the family's own cases; the details come protected and tracked.
/// "notice:alert:&lt;alertId&gt;" edits the neutral line in place into the news alert (it was sent protected for this).
/// </summary>
public sealed class NoticeAction(CaseStore cases, RelayMessageStore relayMessages, AlertStore alerts) : IMenuAction
{
    public string Prefix => "notice";

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(':', 2);
        if (parts is ["alert", var alertText])
        {
            await ShowAlertAsync(turn, alertText, cancellationToken);
            return;
        }

        string? details = null;
        if (parts is ["status", var caseId] && await cases.GetAsync(turn.Db, turn.Chat, caseId, cancellationToken) is { } summary)
        {
            var history = await cases.HistoryAsync(turn.Db, turn.Chat.Key, summary.Id, cancellationToken);
            details = FamilyNotifier.StatusDetails(turn.Texts, turn.Language, summary, history.Count > 0 ? history[^1].Note : null);
        }
        else if (parts is ["reply", var idText]
            && long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && await relayMessages.GetForFamilyAsync(turn.Db, turn.Chat, id, cancellationToken) is { Direction: RelayDirection.FromCaseworker } message
            && await cases.GetAsync(turn.Db, turn.Chat, message.CaseId, cancellationToken) is { } replied)
        {
            details = FamilyNotifier.ReplyDetails(turn.Texts, turn.Language, replied, message.Text);
        }

        if (details is null)
        {
            turn.Reply(turn.T("case.not_found"));
            return;
        }

        turn.Reply(details, sensitive: true);
    }

    private async Task ShowAlertAsync(Turn turn, string idText, CancellationToken cancellationToken)
    {
        // Only an alert that was approved for sending can be shown; the menu option was written by the fan-out.
        if (long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && await alerts.GetAsync(turn.Db, id, cancellationToken) is { State: AlertState.Approved or AlertState.Sent } alert)
        {
            turn.EditPressed(AlertText.Render(turn.Texts, turn.Language, alert), sensitive: true);
            return;
        }

        turn.Reply(turn.T("notice.gone"));
    }
}
