using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Conversations.Commands;

/// <summary>/start: on first contact the language choice, then the privacy notice and the main menu; later the main menu.</summary>
public sealed class StartCommand : IBotCommand
{
    public string Name => "start";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.start";

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        if (turn.Chat.Language is null)
        {
            LanguageChoice.Show(turn, first: true);
        }
        else
        {
            turn.Continue(FollowUp.MainMenu);
        }

        return Task.CompletedTask;
    }
}
