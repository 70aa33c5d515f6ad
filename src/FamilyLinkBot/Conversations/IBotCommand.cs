namespace FamilyLinkBot.Conversations;

/// <summary>A slash command. Each command is its own class, registered in its feature's Add method.</summary>
public interface IBotCommand
{
    /// <summary>The command without the slash, lower case.</summary>
    string Name { get; }

    Role Role { get; }

    /// <summary>The resource key of its description in the command menu, or null to keep it out of the menu.</summary>
    string? DescriptionKey { get; }

    /// <summary>Its button in the main menu, or null if it has none.</summary>
    MainMenuEntry? MainMenu => null;

    Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken);
}
