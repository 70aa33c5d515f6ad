namespace FamilyLinkBot.Conversations;

/// <summary>
/// A feature that owns some of the bot's sent messages and takes the user's Telegram replies to them (a caseworker
/// answering a relayed message, docs/DESIGN.md#44-relay).
/// </summary>
public interface IReplyTarget
{
    /// <summary>Handles <paramref name="text"/>, sent as a reply to the bot's message <paramref name="repliedToMessageId"/>;
    /// false leaves it to be read like any other text.</summary>
    Task<bool> TryHandleAsync(Turn turn, int repliedToMessageId, string text, CancellationToken cancellationToken);
}
