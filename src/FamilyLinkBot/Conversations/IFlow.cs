namespace FamilyLinkBot.Conversations;

/// <summary>A multi-step conversation that takes typed answers (register, relay, security phrase).</summary>
public interface IFlow
{
    string Name { get; }

    /// <summary>A typed answer to the current step (<see cref="Session.Step"/>).</summary>
    Task HandleTextAsync(Turn turn, string text, CancellationToken cancellationToken);

    /// <summary>A photo, sticker, voice or file arrived during the flow; nothing of it is kept.</summary>
    Task HandleNonTextAsync(Turn turn, CancellationToken cancellationToken);
}
