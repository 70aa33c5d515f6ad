using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// /case TOKEN (caseworkers): relation, alias, place, since, status, history and the relayed messages, under the
/// case's reference. Nothing of the family's chat (id, pseudonym, Telegram names) is ever part of it. Opening a
/// case follows it.
/// </summary>
public sealed class CaseCommand(CaseLookup lookup, CaseStore cases, CaseworkerStore caseworkers, RelayMessageStore relayMessages, CaseReference references) : IBotCommand
{
    /// <summary>How many of the newest relayed messages /case shows, each as its own message (each fits Telegram's limit).</summary>
    public const int MessagesShown = 10;

    public string Name => "case";

    public Role Role => Role.Caseworker;

    public string? DescriptionKey => null;

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true; // it holds a token
        var (tokenText, _) = CaseLookup.SplitCase(arguments);
        if (tokenText.Length == 0)
        {
            turn.Reply(turn.T("cw.case.usage"));
            return;
        }

        using var found = await lookup.FindOrAnswerAsync(turn, tokenText, cancellationToken);
        if (found is null)
        {
            return;
        }

        var summary = found.Case;
        await caseworkers.FollowAsync(turn.Db, summary.Id, turn.Chat.Id, turn.Now, cancellationToken);
        var history = await cases.HistoryAsync(turn.Db, found.Family.Key, summary.Id, cancellationToken);
        var messages = await relayMessages.ListAsync(turn.Db, found.Family.Key, summary.Id, MessagesShown, cancellationToken);
        var reference = references.Of(summary.Id);
        var header = turn.F("cw.case.header", ("ref", reference));
        var footer = messages.Count == 0 ? turn.T("cw.case.no_messages") : turn.F("cw.case.messages_follow", ("count", messages.Count));
        turn.Reply(header + "\n" + CaseText.View(turn, summary, history) + "\n\n" + footer, sensitive: true);
        foreach (var message in messages)
        {
            var key = message.Direction == RelayDirection.FromFamily ? "cw.case.message_family" : "cw.case.message_caseworker";
            turn.Reply(turn.F(key, ("ref", reference), ("date", Dates.Show(message.At)), ("text", message.Text)), sensitive: true);
        }
    }
}
