using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Privacy;

/// <summary>/privacy: shows the privacy settings with their buttons (see <see cref="PrivacyActions"/>).</summary>
public sealed class PrivacyCommand : IBotCommand
{
    public string Name => "privacy";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.privacy";

    public MainMenuEntry? MainMenu => new(2, 1, "menu.privacy");

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        PrivacyActions.Show(turn, editPressed: false);
        return Task.CompletedTask;
    }
}
