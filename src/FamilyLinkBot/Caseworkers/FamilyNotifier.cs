using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// Pushes about a case to its family (SPEC §4.3, §6), in the family's language, through the outbox's notice lane.
/// With discreet notifications on, the push says only "There is an update" with a Show button kept in the family's
/// session under its own id (the newest <see cref="NoticeButton.Kept"/>); the details then come as a protected, tracked
/// message. Without discreet notifications the details come at once, protected and tracked with the family's timer.
/// Nothing about the caseworker is ever included.
/// </summary>
public static class FamilyNotifier
{
    public const string ShowStatus = "notice:status:";
    public const string ShowReply = "notice:reply:";

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

    public static async Task PushAsync(
        UnitOfWork db, ChatRecord family, string detailsHtml, string showAction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var texts = Texts.Shared;
        var language = LanguageOf(family);
        OutgoingMessage message;
        if (family.Discreet)
        {
            var session = await SessionStore.LoadAsync(db, family, cancellationToken);
            // Keyed by the notice, beside the live menu: a step in progress keeps its buttons, and the hundredth notice's
            // Show works like the first (an index into the menu would run past what callback data allows).
            var notice = new NoticeButton(CallbackData.NewMenuId(), showAction);
            session.Notices.Add(notice);
            if (session.Notices.Count > NoticeButton.Kept)
            {
                session.Notices.RemoveRange(0, session.Notices.Count - NoticeButton.Kept);
            }

            await SessionStore.SaveAsync(db, family, session, now, cancellationToken);
            message = new OutgoingMessage
            {
                Text = texts.Get(language, "notice.update"),
                Keyboard = [[new OutgoingButton(texts.Get(language, "button.show"), CallbackData.For(notice.Id, 0))]],
            };
        }
        else
        {
            message = new OutgoingMessage
            {
                Text = detailsHtml,
                Protect = true,
                DisappearAfterSeconds = family.DisappearAfter is { } after ? (int)after.TotalSeconds : null,
            };
        }

        await Outbox.EnqueueAsync(db, family, Lane.Notice, message, now, cancellationToken);
    }
}
