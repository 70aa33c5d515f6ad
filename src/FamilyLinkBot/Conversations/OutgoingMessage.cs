namespace FamilyLinkBot.Conversations;

/// <summary>A message to send, as it is stored (encrypted) in the outbox until Telegram has it.</summary>
public sealed record OutgoingMessage
{
    /// <summary>HTML text; every user-provided part is already escaped.</summary>
    public required string Text { get; init; }

    public List<List<OutgoingButton>>? Keyboard { get; init; }

    /// <summary>Sent with protect_content (no forwarding or saving) because it holds case details.</summary>
    public bool Protect { get; init; }

    /// <summary>Seconds after which the message is deleted from the chat (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications); null keeps it.</summary>
    public int? DisappearAfterSeconds { get; init; }

    /// <summary>When set, edit this message instead of sending a new one.</summary>
    public int? EditMessageId { get; init; }

    /// <summary>
    /// The text holds words a third party wrote (a feed's headline): the family's security phrase is never put in
    /// front of it (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications), or an impostor feed could borrow the phrase's authority.
    /// </summary>
    public bool ThirdPartyText { get; init; }
}

public sealed record OutgoingButton(string Text, string CallbackData);
