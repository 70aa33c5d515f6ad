namespace FamilyLinkBot.Conversations.Commands;

/// <summary>/help: what the bot does and each command.</summary>
public sealed class HelpCommand : IBotCommand
{
    public string Name => "help";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.help";

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        turn.Reply(turn.T("help.text"));
        return Task.CompletedTask;
    }
}
