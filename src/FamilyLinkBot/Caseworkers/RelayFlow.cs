using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The family's message to the caseworkers (SPEC §4.4): text only, at most 3,000 characters. It is stored encrypted
/// with the family's key and sent to the caseworkers following the case (all active caseworkers if none follow it),
/// labelled with the case reference, never with anything of the family's chat. The family's own message disappears
/// with the family's timer.
/// </summary>
public sealed class RelayFlow(ChatRepository chats, CaseReference references) : IFlow
{
    public const string FlowName = "relay";
    private const string Step = "text";
    private const string CaseKey = "case";

    public string Name => FlowName;

    public static void Begin(Turn turn, string caseId)
    {
        turn.Session.StartFlow(FlowName, Step, turn.Now);
        turn.Session.Data[CaseKey] = caseId;
        // The prompt's own menu replaces /cases', so a typed "1" is the message, not a button number.
        turn.Reply(turn.T("relay.prompt"), [[new MenuOption("cmd:cancel", "button.cancel")]], acceptsNumbers: false);
    }

    public async Task HandleTextAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true;
        if (!turn.Session.Data.TryGetValue(CaseKey, out var caseId)
            || await CaseRepository.GetAsync(turn.Db, turn.Chat, caseId, cancellationToken) is not { } summary)
        {
            turn.Session.EndFlow();
            turn.CloseMenu();
            turn.Reply(turn.T("case.not_found"));
            return;
        }

        var message = text.Trim();
        if (message.Length == 0)
        {
            turn.Reply(turn.T("cw.relay.empty"));
            return;
        }

        if (message.Length > RelayMessages.Limit)
        {
            turn.Reply(turn.F("relay.too_long", ("length", message.Length)));
            return;
        }

        await RelayMessages.AddAsync(turn.Db, turn.Chat.Key, summary.Id, RelayDirection.FromFamily, message, turn.Now, cancellationToken);
        var recipients = await CaseworkerRepository.RecipientsAsync(turn.Db, summary.Id, cancellationToken);
        var reference = references.Of(summary.Id);
        foreach (var chatRef in recipients)
        {
            using var caseworker = await chats.GetAsync(turn.Db, chatRef, cancellationToken);
            if (caseworker is null)
            {
                continue;
            }

            var language = caseworker.Language ?? Language.Ko;
            var copy = new OutgoingMessage
            {
                Text = Texts.Shared.Format(language, "cw.relay.from_family", ("ref", reference), ("text", message)),
                Protect = true,
                DisappearAfterSeconds = caseworker.DisappearAfter is { } after ? (int)after.TotalSeconds : null,
            };
            await Outbox.EnqueueAsync(turn.Db, caseworker, Lane.Notice, copy, turn.Now, cancellationToken);
        }

        turn.Session.EndFlow();
        turn.CloseMenu();
        turn.Reply(turn.T(recipients.Count > 0 ? "relay.sent" : "cw.relay.saved"));
    }

    public Task HandleNonTextAsync(Turn turn, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true;
        turn.Reply(turn.T("relay.nontext"));
        return Task.CompletedTask;
    }
}
