using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The newest messages of a case, as the family sees them when it opens the case (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications: the caseworker's text
/// appears when the family presses Show or opens the case). Each is a protected message that disappears with the
/// family's timer; nothing about the caseworker is shown.
/// </summary>
public sealed class FamilyMessages(RelayMessageStore relayMessages)
{
    public const int Shown = 5;

    public async Task ShowAsync(Turn turn, CaseSummary summary, CancellationToken cancellationToken)
    {
        var messages = await relayMessages.ListAsync(turn.Db, turn.Chat.Key, summary.Id, Shown, cancellationToken);
        foreach (var message in messages)
        {
            turn.Reply(
                message.Direction == RelayDirection.FromCaseworker
                    ? FamilyNotifier.ReplyDetails(turn.Texts, turn.Language, summary, message.Text)
                    : turn.F("cw.family.own_message", ("date", Dates.Show(message.At)), ("text", message.Text)),
                sensitive: true);
        }
    }
}
