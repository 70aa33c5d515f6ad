namespace FamilyLinkBot.Conversations.Commands;

/// <summary>/help: what the bot does and each command.</summary>
public sealed class HelpCommand : IBotCommand
{
    public string Name => "help";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.help";

    public MainMenuEntry? MainMenu => new(3, 0, "menu.help");

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        // Staff also get their own commands; families never see that these exist. Staff commands are deliberately
        // not in Telegram's command menu: a menu on a staff member's phone would show what the person is.
        var text = turn.Role switch
        {
            Role.Admin => turn.T("help.text") + "\n\n" + turn.T("cw.help") + "\n\n" + turn.T("admin.help"),
            Role.Caseworker => turn.T("help.text") + "\n\n" + turn.T("cw.help"),
            _ => turn.T("help.text"),
        };
        turn.Reply(text);
        return Task.CompletedTask;
    }
}
