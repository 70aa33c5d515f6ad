using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Alerts;

/// <summary>/subscribe (docs/DESIGN.md#41-family-commands): the alert choices with a toggle button each (see <see cref="SubscribeActions"/>).</summary>
public sealed class SubscribeCommand(SubscribeActions actions) : IBotCommand
{
    public string Name => "subscribe";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.subscribe";

    public MainMenuEntry? MainMenu => new(2, 0, "menu.subscribe");

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken) =>
        actions.ShowAsync(turn, editPressed: false, cancellationToken);
}
