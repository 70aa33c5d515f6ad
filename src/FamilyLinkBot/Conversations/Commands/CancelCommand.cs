namespace FamilyLinkBot.Conversations.Commands;

/// <summary>/cancel: leaves the current flow, discarding its answers; its buttons expire.</summary>
public sealed class CancelCommand : IBotCommand
{
    public string Name => "cancel";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.cancel";

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        var hadSomething = turn.Session.Flow is not null || turn.Session.Menu is not null;
        turn.Session.EndFlow();
        turn.CloseMenu();
        turn.Reply(turn.T(hadSomething ? "cancel.done" : "cancel.nothing"));
        return Task.CompletedTask;
    }
}
