using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Conversations;

/// <summary>
/// One update being handled for one private chat: its stored state, the open transaction, and the
/// replies the handlers produce. Replies are written to the outbox in the same transaction as the
/// state change, so neither is lost without the other.
/// </summary>
public sealed class Turn
{
    private readonly List<OutgoingMessage> _replies = [];
    private readonly Queue<FollowUp> _followUps = new();
    private readonly string _sessionAsLoaded = "";

    public required UnitOfWork Db { get; init; }

    public required ChatRecord Chat { get; init; }

    /// <summary>The chat's stored state; whether a handler changed it is seen by comparing it with what was loaded.</summary>
    public required Session Session
    {
        get;
        init
        {
            field = value;
            _sessionAsLoaded = value.Snapshot();
        }
    }

    public required Texts Texts { get; init; }

    public required DateTimeOffset Now { get; init; }

    public required Role Role { get; init; }

    /// <summary>The Telegram update id (for logs the chat pseudonym is used, never ids).</summary>
    public required int UpdateId { get; init; }

    /// <summary>The language for this turn: the chosen one, else a guess from Telegram's language_code.</summary>
    public required Language Language { get; set; }

    /// <summary>The text the user sent, if this turn is a text message.</summary>
    public string? IncomingText { get; init; }

    /// <summary>The message id of the menu whose button was pressed, if this turn is a button press.</summary>
    public int? PressedMessageId { get; init; }

    /// <summary>The answer shown for a button press (a toast); null answers silently.</summary>
    public string? CallbackAnswer { get; set; }

    /// <summary>Whether the session differs from what was loaded, so it must be stored again.</summary>
    public bool SessionChanged => !string.Equals(Session.Snapshot(), _sessionAsLoaded, StringComparison.Ordinal);

    /// <summary>The bot's message the user's message replies to (Telegram's reply), if any.</summary>
    public int? RepliedToMessageId { get; init; }

    /// <summary>The text of that message as Telegram quotes it in the reply (never stored).</summary>
    public string? RepliedToText { get; init; }

    /// <summary>Hands on to another handler once this one returns (e.g. <c>turn.Continue(RelayAction.For(caseId))</c>).</summary>
    public void Continue(FollowUp next) => _followUps.Enqueue(next);

    internal FollowUp? TakeFollowUp() => _followUps.TryDequeue(out var next) ? next : null;

    public IReadOnlyList<OutgoingMessage> Replies => _replies;

    public string T(string key) => Texts.Get(Language, key);

    public string F(string key, params ReadOnlySpan<(string Name, object? Value)> values) => Texts.Format(Language, key, values);

    /// <summary>Sends a message without buttons; the current menu stays live.</summary>
    public void Reply(string html, bool sensitive = false) =>
        _replies.Add(new OutgoingMessage { Text = html, Protect = sensitive, DisappearAfterSeconds = sensitive ? SensitiveTtl : null });

    /// <summary>Sends a message that disappears after a fixed time whatever the chat's timer (e.g. the /panic answer).</summary>
    public void ReplyEphemeral(string html, int seconds) =>
        _replies.Add(new OutgoingMessage { Text = html, DisappearAfterSeconds = seconds });

    /// <summary>Sends a message with buttons; they become the chat's only live menu.</summary>
    /// <param name="editPressed">Replace the message whose button was pressed, instead of sending a new one.</param>
    public void Reply(string html, IReadOnlyList<IReadOnlyList<MenuOption>> rows, bool acceptsNumbers = true, bool sensitive = false, bool editPressed = false)
    {
        var menu = new Menu { Id = CallbackData.NewMenuId(), Options = [], AcceptsNumbers = acceptsNumbers };
        var keyboard = new List<List<OutgoingButton>>(rows.Count);
        foreach (var row in rows)
        {
            var buttons = new List<OutgoingButton>(row.Count);
            foreach (var option in row)
            {
                buttons.Add(new OutgoingButton(Label(option), CallbackData.For(menu.Id, menu.Options.Count)));
                menu.Options.Add(option);
            }

            keyboard.Add(buttons);
        }

        Session.Menu = menu;
        _replies.Add(new OutgoingMessage
        {
            Text = html,
            Keyboard = keyboard,
            Protect = sensitive,
            DisappearAfterSeconds = sensitive ? SensitiveTtl : null,
            EditMessageId = editPressed ? PressedMessageId : null,
        });
    }

    /// <summary>
    /// Replaces the text of the message whose button was pressed, and drops its buttons (a Show press, docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications); the
    /// live menu is left as it is. Without a pressed message the text comes as a new message.
    /// </summary>
    public void EditPressed(string html, bool sensitive = false) =>
        _replies.Add(new OutgoingMessage
        {
            Text = html,
            Protect = sensitive,
            DisappearAfterSeconds = sensitive ? SensitiveTtl : null,
            EditMessageId = PressedMessageId,
        });

    /// <summary>Seconds a sensitive message stays in the chat, from the chat's privacy choice; null = timer off.</summary>
    public int? SensitiveTtl => Chat.DisappearAfter is { } after ? (int)after.TotalSeconds : null;

    /// <summary>The id of the user's message in this turn, if it is a message.</summary>
    public int? IncomingMessageId { get; init; }

    /// <summary>Set when the user's message answered a sensitive step: it disappears like the bot's sensitive messages.</summary>
    public bool IncomingIsSensitive { get; set; }

    /// <summary>Set when the handler dealt with the user's message itself (e.g. /panic deleted it): it is not tracked.</summary>
    public bool IncomingHandled { get; set; }

    /// <summary>Set when the handler erased the chat: nothing more may be stored for it.</summary>
    public bool Erased { get; set; }

    private readonly List<Func<CancellationToken, Task>> _afterCommit = [];

    public IReadOnlyList<Func<CancellationToken, Task>> AfterCommitActions => _afterCommit;

    /// <summary>Work that must wait until the turn's transaction has committed (e.g. deleting messages at once).</summary>
    public void AfterCommit(Func<CancellationToken, Task> action) => _afterCommit.Add(action);

    public string Label(MenuOption option) => option.LabelKey is { } key ? T(key) : option.Text ?? "";

    /// <summary>Drops the live menu, so its buttons answer "expired".</summary>
    public void CloseMenu()
    {
        Session.Menu = null;
    }
}
