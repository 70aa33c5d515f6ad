using System.Globalization;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// A caseworker's answer to a family (docs/DESIGN.md#44-relay), however it was given (/reply, Telegram's reply, the Reply button):
/// stored encrypted with the family's key, pushed to the family labelled "your caseworker" (discreetly if the family
/// chose so), and the caseworker follows the case from then on.
/// </summary>
public sealed class CaseworkerAnswer(
    CaseLookup lookup, Cases.CaseStore cases, CaseworkerStore caseworkers, RelayMessageStore relayMessages, CaseReference references, FamilyNotifier notifier, Texts texts)
{
    /// <summary>The limit as written in the strings' <c>{limit}</c>.</summary>
    public static string LimitText => RelayMessageStore.Limit.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether this chat may answer a relayed copy: it is still a caseworker, the case still has the token it had when
    /// the copy was relayed (a new token ends answers to older copies), and the case's messages still come to this chat.
    /// </summary>
    public async Task<bool> MayAnswerAsync(Turn turn, RelayCopy copy, CancellationToken cancellationToken) =>
        turn.Role is Role.Caseworker or Role.Admin
        && await cases.TokenHashOfAsync(turn.Db, copy.CaseId, cancellationToken) is { } current
        && current.AsSpan().SequenceEqual(copy.TokenHash)
        && (await caseworkers.RecipientsAsync(turn.Db, copy.CaseId, cancellationToken)).Contains(turn.Chat.Id, StringComparer.Ordinal);

    /// <summary>Whether this chat may answer the case it was asked to write to: a caseworker following it, or receiving its messages.</summary>
    public async Task<bool> MayAnswerAsync(Turn turn, string caseId, CancellationToken cancellationToken) =>
        turn.Role is Role.Caseworker or Role.Admin
        && ((await caseworkers.FollowedAsync(turn.Db, turn.Chat.Id, cancellationToken)).Any(f => f.CaseId == caseId)
            || (await caseworkers.RecipientsAsync(turn.Db, caseId, cancellationToken)).Contains(turn.Chat.Id, StringComparer.Ordinal));

    /// <summary>Checks the text and sends it; false (after telling the caseworker why) if it was not sent.</summary>
    public async Task<bool> SendAsync(Turn turn, string caseId, string text, CancellationToken cancellationToken)
    {
        using var found = await lookup.FindByIdAsync(turn.Db, caseId, cancellationToken);
        if (found is null)
        {
            turn.Reply(turn.T("cw.answer.not_followed"));
            return false;
        }

        return await SendAsync(turn, found, text, cancellationToken);
    }

    public async Task<bool> SendAsync(Turn turn, FoundCase found, string text, CancellationToken cancellationToken)
    {
        var message = text.Trim();
        if (message.Length == 0)
        {
            turn.Reply(turn.T("cw.relay.empty"));
            return false;
        }

        if (message.Length > RelayMessageStore.Limit)
        {
            turn.Reply(turn.F("cw.reply.too_long", ("length", message.Length), ("limit", LimitText)));
            return false;
        }

        var family = found.Family;
        var id = await relayMessages.AddAsync(turn.Db, family.Key, found.Case.Id, RelayDirection.FromCaseworker, message, turn.Now, cancellationToken);
        await caseworkers.FollowAsync(turn.Db, found.Case.Id, turn.Chat.Id, turn.Now, cancellationToken);
        var details = FamilyNotifier.ReplyDetails(texts, FamilyNotifier.LanguageOf(family), found.Case, message);
        await notifier.PushAsync(turn.Db, family, details, FamilyNotifier.ShowReply + id.ToString(CultureInfo.InvariantCulture), turn.Now, cancellationToken);
        turn.Reply(turn.F("cw.reply.done", ("ref", references.Of(found.Case.Id))));
        return true;
    }
}
