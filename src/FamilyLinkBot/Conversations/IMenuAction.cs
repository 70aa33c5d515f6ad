namespace FamilyLinkBot.Conversations;

/// <summary>Handles the buttons whose action starts with <see cref="Prefix"/> and a colon (e.g. "lang:ko").</summary>
public interface IMenuAction
{
    string Prefix { get; }

    Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken);
}
