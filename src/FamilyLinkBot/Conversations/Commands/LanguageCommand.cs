namespace FamilyLinkBot.Conversations.Commands;

/// <summary>/language: choose another language.</summary>
public sealed class LanguageCommand : IBotCommand
{
    public string Name => "language";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.language";

    public MainMenuEntry? MainMenu => new(3, 1, "menu.language");

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        LanguageChoice.Show(turn, first: turn.Chat.Language is null);
        return Task.CompletedTask;
    }
}
