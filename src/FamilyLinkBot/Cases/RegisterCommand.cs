using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Cases;

/// <summary>/register: starts the five-step flow of docs/DESIGN.md#41-family-commands.</summary>
public sealed class RegisterCommand : IBotCommand
{
    public string Name => "register";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.register";

    public MainMenuEntry? MainMenu => new(0, 0, "menu.register");

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        RegisterFlow.Begin(turn);
        return Task.CompletedTask;
    }
}
