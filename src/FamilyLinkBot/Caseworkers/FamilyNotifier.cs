using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// Pushes about a case to its family (docs/DESIGN.md#43-caseworkers, docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications), in the family's language, through the outbox's notice lane.
/// With discreet notifications on, the push says only "There is an update" with a Show button kept in the family's
/// session under its own id (the newest <see cref="NoticeButton.Kept"/>); the details then come as a protected, tracked
/// message. Without discreet notifications the details come at once, protected and tracked with the family's timer.
/// Nothing about the caseworker is ever included.
/// </summary>
public sealed class FamilyNotifier(OutboxStore outbox, SessionStore sessions, Texts texts)
{
    public const string ShowStatus = "notice:status:";
    public const string ShowReply = "notice:reply:";
    public const string ShowAlert = "notice:alert:";

    public static Language LanguageOf(ChatRecord chat) => chat.Language ?? Language.Ko;

    /// <summary>The status notice as the family reads it: label, new status and the newest note, if any.</summary>
    public static string StatusDetails(Texts texts, Language language, CaseSummary summary, string? note)
    {
        var text = texts.Format(
            language,
            "notice.status_changed",
            ("label", CaseText.Label(texts, language, summary)),
            ("status", texts.Get(language, summary.Status.LabelKey())));
        return note is { Length: > 0 } ? text + "\n" + texts.Format(language, "notice.status_note", ("note", note)) : text;
    }

    public static string ReplyDetails(Texts texts, Language language, CaseSummary summary, string text) =>
        texts.Format(language, "relay.from_caseworker", ("label", CaseText.Label(texts, language, summary)), ("text", text));

    public async Task PushAsync(
        UnitOfWork db, ChatRecord family, string detailsHtml, string showAction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (family.Discreet)
        {
            await PushDiscreetAsync(db, family, showAction, "notice.update", Lane.Notice, protect: false, now, cancellationToken);
            return;
        }

        var message = new OutgoingMessage
        {
            Text = detailsHtml,
            Protect = true,
            DisappearAfterSeconds = family.DisappearAfter is { } after ? (int)after.TotalSeconds : null,
        };
        await outbox.EnqueueAsync(db, family, Lane.Notice, message, now, cancellationToken);
    }

    /// <summary>
    /// The discreet push itself (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications): the neutral line <paramref name="neutralKey"/> with a Show button that runs
    /// <paramref name="showAction"/>, for every unasked push (status notices, caseworker messages, news alerts).
    /// <paramref name="protect"/> when Show edits this very message into the details: Telegram cannot protect an
    /// existing message afterwards.
    /// </summary>
    public async Task PushDiscreetAsync(
        UnitOfWork db, ChatRecord family, string showAction, string neutralKey, Lane lane, bool protect, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var language = LanguageOf(family);
        // The family's own lock first (docs/DESIGN.md#what-may-run-once-and-what-may-run-many-times): its session must
        // not change under an update of that chat applied meanwhile, here or on another instance.
        await db.Dialect.LockChatAsync(db, family.Id, cancellationToken);
        var session = await sessions.LoadAsync(db, family, cancellationToken);
        // Keyed by the notice, beside the live menu: a step in progress keeps its buttons, and the hundredth notice's
        // Show works like the first (an index into the menu would run past what callback data allows).
        var notice = session.AddNotice(showAction);
        await sessions.SaveAsync(db, family, session, now, cancellationToken);
        var message = new OutgoingMessage
        {
            Text = texts.Get(language, neutralKey),
            Keyboard = [[new OutgoingButton(texts.Get(language, "button.show"), CallbackData.For(notice.Id, 0))]],
            Protect = protect,
        };
        await outbox.EnqueueAsync(db, family, lane, message, now, cancellationToken);
    }
}
