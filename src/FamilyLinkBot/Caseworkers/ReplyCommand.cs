using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// /reply TOKEN text (caseworkers): the text reaches the family labelled "your caseworker" (SPEC §4.4), stored
/// encrypted with the family's key; the family's copy obeys the family's disappearing timer. Answering follows the case.
/// </summary>
public sealed class ReplyCommand(CaseLookup lookup, CaseReference references) : IBotCommand
{
    public string Name => "reply";

    public Role Role => Role.Caseworker;

    public string? DescriptionKey => null;

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true;
        var (tokenText, text) = Crypto.CaseCodeParser.Split(arguments);
        if (tokenText.Length == 0 || text.Length == 0)
        {
            turn.Reply(turn.T("cw.reply.usage"));
            return;
        }

        if (text.Length > RelayMessages.Limit)
        {
            turn.Reply(turn.F("cw.reply.too_long", ("length", text.Length)));
            return;
        }

        using var found = await lookup.FindOrAnswerAsync(turn, tokenText, cancellationToken);
        if (found is null)
        {
            return;
        }

        var family = found.Family;
        var id = await RelayMessages.AddAsync(turn.Db, family.Key, found.Case.Id, RelayDirection.FromCaseworker, text, turn.Now, cancellationToken);
        await CaseworkerRepository.FollowAsync(turn.Db, found.Case.Id, turn.Chat.Id, turn.Now, cancellationToken);
        var details = FamilyNotifier.ReplyDetails(Texts.Shared, FamilyNotifier.LanguageOf(family), found.Case, text);
        await FamilyNotifier.PushAsync(turn.Db, family, details, FamilyNotifier.ShowReply + id.ToString(System.Globalization.CultureInfo.InvariantCulture), turn.Now, cancellationToken);
        turn.Reply(turn.F("cw.reply.done", ("ref", references.Of(found.Case.Id))));
    }
}
