namespace FamilyLinkBot.Conversations.Commands;

/// <summary>/help: what the bot does and each command.</summary>
public sealed class HelpCommand : IBotCommand
{
    public string Name => "help";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.help";

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        // Staff also get their own commands; families never see that these exist.
        turn.Reply(turn.Role is Role.Caseworker or Role.Admin ? turn.T("help.text") + "\n\n" + turn.T("cw.help") : turn.T("help.text"));
        return Task.CompletedTask;
    }
}
