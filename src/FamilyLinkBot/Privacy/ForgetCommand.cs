using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Privacy;

/// <summary>/forget: asks once, then erases every record of this family (docs/DESIGN.md#5-erasure-and-retention).</summary>
public sealed class ForgetCommand : IBotCommand
{
    public string Name => "forget";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.forget";

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        turn.Reply(turn.T("forget.confirm"), [[new MenuOption("forget:yes", "button.erase_everything"), new MenuOption("forget:no", "button.keep_data")]]);
        return Task.CompletedTask;
    }
}
