namespace FamilyLinkBot.Conversations;

/// <summary>The <c>Conversations</c> configuration section (docs/DESIGN.md#4-conversations).</summary>
public sealed class ConversationOptions
{
    public const string Section = "Conversations";

    /// <summary>A flow left idle this long is dropped.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
