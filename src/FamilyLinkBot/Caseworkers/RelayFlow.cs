using System.Collections.Frozen;
using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The family's message to the caseworkers (docs/DESIGN.md#44-relay): text only, at most 3,000 characters. It is stored encrypted
/// with the family's key and sent to the caseworkers following the case (all active caseworkers if none follow it),
/// labelled with the case reference, never with anything of the family's chat. Each copy carries a Reply button, and
/// is recorded (<see cref="RelayCopyStore"/>) so that a Telegram reply to it reaches the family. The family's own message
/// and the caseworkers' copies disappear with the family's timer, whatever the caseworkers' own setting.
/// </summary>
public sealed class RelayFlow(
    ChatStore chats,
    CaseStore cases,
    CaseworkerStore caseworkers,
    SessionStore sessions,
    RelayMessageStore relayMessages,
    RelayCopyStore relayCopies,
    CaseReference references,
    OutboxStore outbox,
    Texts texts) : IFlow
{
    public const string FlowName = "relay";
    private const string Text = "text";
    private const string CaseKey = "case";

    /// <summary>The flow's steps; each is stored in the session under its key (<see cref="Key"/>).</summary>
    private enum RelayStep
    {
        Text,
    }

    private static readonly FrozenDictionary<string, RelayStep> StepsByKey =
        Enum.GetValues<RelayStep>().ToFrozenDictionary(Key, StringComparer.Ordinal);

    public string Name => FlowName;

    public static void Begin(Turn turn, string caseId)
    {
        turn.Session.StartFlow(FlowName, Key(RelayStep.Text), turn.Now);
        turn.Session.Data[CaseKey] = caseId;
        // The prompt's own menu replaces /cases', so a typed "1" is the message, not a button number.
        turn.Reply(
            turn.F("relay.prompt", ("limit", CaseworkerAnswer.LimitText)),
            [[new MenuOption(Router.CommandAction("cancel"), "button.cancel")]],
            acceptsNumbers: false);
    }

    public Task HandleTextAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true;
        return CurrentStep(turn) switch
        {
            RelayStep.Text => RelayAsync(turn, text, cancellationToken),
            null => EndUnknownStep(turn),
        };
    }

    private async Task RelayAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        if (!turn.Session.Data.TryGetValue(CaseKey, out var caseId)
            || await cases.GetAsync(turn.Db, turn.Chat, caseId, cancellationToken) is not { } summary)
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

        if (message.Length > RelayMessageStore.Limit)
        {
            turn.Reply(turn.F("relay.too_long", ("length", message.Length), ("limit", CaseworkerAnswer.LimitText)));
            return;
        }

        await relayMessages.AddAsync(turn.Db, turn.Chat.Key, summary.Id, RelayDirection.FromFamily, message, turn.Now, cancellationToken);
        var recipients = await caseworkers.RecipientsAsync(turn.Db, summary.Id, cancellationToken);
        var reference = references.Of(summary.Id);
        var tokenHash = await cases.TokenHashOfAsync(turn.Db, summary.Id, cancellationToken) ?? [];
        foreach (var chatRef in recipients)
        {
            using var caseworker = await chats.GetAsync(turn.Db, chatRef, cancellationToken);
            if (caseworker is not null)
            {
                await SendCopyAsync(turn, caseworker, summary.Id, tokenHash, reference, message, cancellationToken);
            }
        }

        turn.Session.EndFlow();
        turn.CloseMenu();
        turn.Reply(turn.T(recipients.Count > 0 ? "relay.sent" : "cw.relay.saved"));
    }

    public Task HandleNonTextAsync(Turn turn, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true;
        turn.Reply(turn.F("relay.nontext", ("limit", CaseworkerAnswer.LimitText)));
        return Task.CompletedTask;
    }

    /// <summary>
    /// One caseworker's copy, with a Reply button that joins the caseworker's live menu (rather than replacing it, so a
    /// step in progress keeps its buttons), and the record that lets a Telegram reply to the copy find its case.
    /// </summary>
    private async Task SendCopyAsync(
        Turn turn, ChatRecord caseworker, string caseId, byte[] tokenHash, string reference, string message, CancellationToken cancellationToken)
    {
        var language = caseworker.Language ?? Language.Ko;
        // The caseworker's own lock first, as for a family's Show button (FamilyNotifier.PushDiscreetAsync).
        await turn.Db.Dialect.LockChatAsync(turn.Db, caseworker.Id, cancellationToken);
        var session = await sessions.LoadAsync(turn.Db, caseworker, cancellationToken);
        // The Reply button is kept under its own id beside the caseworker's live menu, like a family's Show button:
        // a step in progress keeps its buttons, and a hundred relayed copies never break it.
        var buttonId = CallbackData.NewMenuId();
        var copy = new OutgoingMessage
        {
            Text = texts.Format(language, "cw.relay.from_family", ("ref", reference), ("text", message)),
            Keyboard = [[new OutgoingButton(texts.Get(language, "cw.button.reply"), CallbackData.For(buttonId, 0))]],
            Protect = true,
            // The family's timer, not the caseworker's: their words must not outlive it on another phone (docs/DESIGN.md#44-relay).
            DisappearAfterSeconds = turn.SensitiveTtl,
        };
        // Tied to the family: if they erase everything (/forget) before it goes, it goes with them.
        var outboxId = await outbox.EnqueueRelayedAsync(turn.Db, caseworker, turn.Chat.Id, copy, turn.Now, cancellationToken);
        await relayCopies.AddAsync(turn.Db, caseworker, outboxId, caseId, tokenHash, turn.SensitiveTtl, turn.Now, cancellationToken);
        session.AddNotice(new NoticeButton(buttonId, AnswerAction.ForCopy(outboxId)));

        await sessions.SaveAsync(turn.Db, caseworker, session, turn.Now, cancellationToken);
    }

    /// <summary>The session key of each step (also its stored name, so a flow in progress survives an upgrade).</summary>
    private static string Key(RelayStep step) => step switch
    {
        RelayStep.Text => Text,
    };

    /// <summary>The step the chat is at; null if the stored step is none of ours (the flow then ends).</summary>
    private static RelayStep? CurrentStep(Turn turn) =>
        turn.Session.Step is { } key && StepsByKey.TryGetValue(key, out var step) ? step : null;

    private static Task EndUnknownStep(Turn turn)
    {
        turn.Session.EndFlow();
        turn.Continue(FollowUp.MainMenu);
        return Task.CompletedTask;
    }
}
