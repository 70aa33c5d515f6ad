namespace FamilyLinkBot.Conversations.Commands;

/// <summary>The main menu: one button per family feature that this build has.</summary>
public static class MainMenu
{
    private static readonly (string Command, string LabelKey)[][] Layout =
    [
        [("register", "menu.register")],
        [("cases", "menu.cases")],
        [("subscribe", "menu.subscribe"), ("privacy", "menu.privacy")],
        [("help", "menu.help"), ("language", "menu.language")],
    ];

    public static void Show(Turn turn)
    {
        var rows = Layout
            .Select(row => (IReadOnlyList<MenuOption>)row
                .Where(b => turn.Router.HasCommand(b.Command))
                .Select(b => new MenuOption("cmd:" + b.Command, b.LabelKey))
                .ToList())
            .Where(row => row.Count > 0)
            .ToList();
        turn.Reply(turn.T("menu.title"), rows);
    }
}
