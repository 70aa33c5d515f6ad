using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// /status TOKEN STATUS [note] (caseworkers): records the new status with its note (encrypted) in the case's
/// history, notifies the family in its own language through the outbox, and follows the case.
/// </summary>
public sealed class StatusCommand(CaseLookup lookup, CaseStore cases, CaseworkerStore caseworkers, CaseReference references, FamilyNotifier notifier, Texts texts) : IBotCommand
{
    public const int NoteLimit = 500;

    public string Name => "status";

    public Role Role => Role.Caseworker;

    public string? DescriptionKey => null;

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true;
        var (tokenText, rest) = CaseLookup.SplitCase(arguments);
        var (statusText, note) = CaseLookup.SplitFirst(rest);
        var status = CaseStatuses.Parse(statusText);
        if (tokenText.Length == 0 || status is null)
        {
            // Checked before the look-up, so a typo in the status does not use up look-ups.
            turn.Reply(turn.F("cw.status.usage", ("statuses", string.Join(", ", CaseStatuses.All.Select(s => s.Code())))));
            return;
        }

        if (note.Length > NoteLimit)
        {
            turn.Reply(turn.F("cw.status.note_too_long", ("length", note.Length), ("limit", NoteLimit)));
            return;
        }

        using var found = await lookup.FindOrAnswerAsync(turn, tokenText, cancellationToken);
        if (found is null)
        {
            return;
        }

        var family = found.Family;
        var noteOrNull = note.Length > 0 ? note : null;
        await cases.SetStatusAsync(turn.Db, family.Key, found.Case.Id, status.Value, noteOrNull, turn.Now, cancellationToken);
        await caseworkers.FollowAsync(turn.Db, found.Case.Id, turn.Chat.Id, turn.Now, cancellationToken);

        var updated = found.Case with { Status = status.Value, UpdatedAt = turn.Now };
        var language = FamilyNotifier.LanguageOf(family);
        var details = FamilyNotifier.StatusDetails(texts, language, updated, noteOrNull);
        await notifier.PushAsync(turn.Db, family, details, FamilyNotifier.ShowStatus + found.Case.Id, turn.Now, cancellationToken);
        turn.Reply(turn.F("cw.status.done", ("ref", references.Of(found.Case.Id)), ("status", CaseText.Status(turn, status.Value))));
    }
}
