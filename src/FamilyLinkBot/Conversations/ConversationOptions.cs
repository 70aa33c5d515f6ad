namespace FamilyLinkBot.Conversations;

/// <summary>The <c>Conversations</c> configuration section (SPEC §4).</summary>
public sealed class ConversationOptions
{
    public const string Section = "Conversations";

    /// <summary>A flow left idle this long is dropped.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
