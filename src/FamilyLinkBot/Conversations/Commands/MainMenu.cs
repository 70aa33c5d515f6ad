namespace FamilyLinkBot.Conversations.Commands;

/// <summary>The main menu: one button per command that places itself there (<see cref="IBotCommand.MainMenu"/>).</summary>
public static class MainMenu
{
    public static void Show(Turn turn, IEnumerable<IBotCommand> commands)
    {
        var rows = commands
            .Where(c => c.MainMenu is not null && c.Role == Role.Anyone)
            .GroupBy(c => c.MainMenu!.Row)
            .OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<MenuOption>)g
                .OrderBy(c => c.MainMenu!.Column)
                .Select(c => new MenuOption(Router.CommandAction(c.Name), c.MainMenu!.LabelKey))
                .ToList())
            .ToList();
        turn.Reply(turn.T("menu.title"), rows);
    }
}
