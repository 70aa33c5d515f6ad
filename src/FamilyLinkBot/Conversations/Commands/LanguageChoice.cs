using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Conversations.Commands;

/// <summary>The language buttons (<c>한국어</c>, <c>English</c>, <c>中文</c>) and what pressing one does.</summary>
public sealed class LanguageChoice(ChatStore chats) : IMenuAction
{
    public string Prefix => "lang";

    /// <summary>On first contact the prompt is shown in all three languages, since none is chosen yet.</summary>
    public static void Show(Turn turn, bool first)
    {
        var prompt = first
            ? string.Join("\n", LanguageCodes.All.Select(l => turn.Texts.Get(l, "start.choose_language")))
            : turn.T("language.choose");
        var suffix = first ? ":first" : "";
        IReadOnlyList<MenuOption> row = LanguageCodes.All
            .Select(l => new MenuOption("lang:" + l.Code() + suffix, null, turn.Texts.Get(l, "lang.name")))
            .ToList();
        turn.Reply(prompt, [row]);
    }

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(':');
        if (LanguageCodes.Parse(parts[0]) is not { } language)
        {
            turn.CallbackAnswer = turn.T("answer.button_expired");
            return;
        }

        await chats.SetLanguageAsync(turn.Db, turn.Chat, language, cancellationToken);
        turn.Language = language;
        turn.CloseMenu();
        if (parts is [_, "first"])
        {
            // One message, not two: when many people start at once, every message is a slot of the shared send rate.
            turn.Reply(turn.T("start.welcome") + "\n\n" + turn.T("privacy.notice"));
        }
        else
        {
            turn.Reply(turn.T("language.changed"));
        }

        turn.Continue(FollowUp.MainMenu);
    }
}
