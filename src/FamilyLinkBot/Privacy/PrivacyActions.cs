using System.Collections.Frozen;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Privacy;

/// <summary>
/// The /privacy buttons: the disappearing-message timer (1 hour, 24 hours, Off), discreet notifications, and the security
/// phrase (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications). Each press updates the settings message in place.
/// </summary>
public sealed class PrivacyActions(ChatStore chats) : IMenuAction, IFlow
{
    public const string FlowName = "phrase";

    public const int PhraseLimit = 40;

    private const string Phrase = "phrase";

    /// <summary>The security-phrase flow's steps; each is stored in the session under its key (<see cref="Key"/>).</summary>
    private enum PhraseStep
    {
        Phrase,
    }

    private static readonly FrozenDictionary<string, PhraseStep> StepsByKey =
        Enum.GetValues<PhraseStep>().ToFrozenDictionary(Key, StringComparer.Ordinal);

    private static readonly (string Code, TimeSpan? After, string LabelKey)[] Timers =
    [
        ("1h", TimeSpan.FromHours(1), "timer.1h"),
        ("24h", TimeSpan.FromHours(24), "timer.24h"),
        ("off", null, "timer.off"),
    ];

    public string Name => FlowName;

    public string Prefix => "privacy";

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(':', 2);
        switch (parts)
        {
            case ["timer", var code] when Timers.Any(t => t.Code == code):
                await chats.SetDisappearAfterAsync(turn.Db, turn.Chat, Timers.First(t => t.Code == code).After, cancellationToken);
                turn.CallbackAnswer = turn.T("privacy.updated");
                Show(turn, editPressed: true);
                break;
            case ["discreet", var onOff] when onOff is "on" or "off":
                await chats.SetDiscreetAsync(turn.Db, turn.Chat, onOff == "on", cancellationToken);
                turn.CallbackAnswer = turn.T("privacy.updated");
                Show(turn, editPressed: true);
                break;
            case ["phrase"]:
                turn.Session.StartFlow(FlowName, Key(PhraseStep.Phrase), turn.Now);
                turn.CloseMenu();
                turn.Reply(turn.F("privacy.phrase.prompt", ("limit", PhraseLimit)));
                break;
            case ["clear_phrase"]:
                await chats.SetPhraseAsync(turn.Db, turn.Chat, null, cancellationToken);
                turn.CallbackAnswer = turn.T("privacy.phrase.cleared");
                Show(turn, editPressed: true);
                break;
            default:
                turn.CallbackAnswer = turn.T("answer.button_expired");
                break;
        }
    }

    public Task HandleTextAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true;
        return CurrentStep(turn) switch
        {
            PhraseStep.Phrase => SetPhraseAsync(turn, text, cancellationToken),
            null => EndUnknownStep(turn),
        };
    }

    private async Task SetPhraseAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        var phrase = text.Trim();
        var length = new System.Globalization.StringInfo(phrase).LengthInTextElements;
        if (length == 0 || length > PhraseLimit)
        {
            turn.Reply(length == 0
                ? turn.F("privacy.phrase.prompt", ("limit", PhraseLimit))
                : turn.F("reg.text.too_long", ("length", length), ("limit", PhraseLimit)));
            return;
        }

        await chats.SetPhraseAsync(turn.Db, turn.Chat, phrase, cancellationToken);
        turn.Session.EndFlow();
        turn.Reply(turn.T("privacy.phrase.saved"));
        Show(turn, editPressed: false);
    }

    public Task HandleNonTextAsync(Turn turn, CancellationToken cancellationToken)
    {
        turn.Reply(turn.T("nontext.refused"));
        return Task.CompletedTask;
    }

    public static void Show(Turn turn, bool editPressed)
    {
        var chat = turn.Chat;
        var timer = Timers.First(t => t.After == chat.DisappearAfter);
        var text = turn.F(
            "privacy.settings",
            ("timer", turn.T(timer.LabelKey)),
            ("discreet", turn.T(chat.Discreet ? "toggle.on" : "toggle.off")),
            ("phrase", turn.T(chat.PhraseBlob is null ? "phrase.not_set" : "phrase.set_mark")));
        var timerRow = Timers
            .Select(t => new MenuOption("privacy:timer:" + t.Code, null, (t.Code == timer.Code ? "✅ " : "") + turn.T("button.timer_" + t.Code)))
            .ToList();
        // Marked like the timer and /subscribe's toggles: ✅ when on; pressing it switches.
        IReadOnlyList<MenuOption> discreetRow =
            [new MenuOption("privacy:discreet:" + (chat.Discreet ? "off" : "on"), null, (chat.Discreet ? "✅ " : "") + turn.T("button.discreet"))];
        IReadOnlyList<MenuOption> phraseRow = chat.PhraseBlob is null
            ? [new MenuOption("privacy:phrase", "button.set_phrase")]
            : [new MenuOption("privacy:phrase", "button.set_phrase"), new MenuOption("privacy:clear_phrase", "button.clear_phrase")];
        turn.Reply(text, [timerRow, discreetRow, phraseRow], editPressed: editPressed);
    }

    /// <summary>The session key of each step (also its stored name, so a flow in progress survives an upgrade).</summary>
    private static string Key(PhraseStep step) => step switch
    {
        PhraseStep.Phrase => Phrase,
    };

    /// <summary>The step the chat is at; null if the stored step is none of ours (the flow then ends).</summary>
    private static PhraseStep? CurrentStep(Turn turn) =>
        turn.Session.Step is { } key && StepsByKey.TryGetValue(key, out var step) ? step : null;

    private static Task EndUnknownStep(Turn turn)
    {
        turn.Session.EndFlow();
        turn.Continue(FollowUp.MainMenu);
        return Task.CompletedTask;
    }
}
