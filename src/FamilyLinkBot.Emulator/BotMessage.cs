using System.Text.Json;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace FamilyLinkBot.Testing;

/// <summary>
/// A message as the chat currently shows it: sent by the bot (current text after edits) or by the
/// user. Snapshots are immutable; an edit or deletion replaces the snapshot in the emulator.
/// </summary>
public sealed record BotMessage
{
    public required long ChatId { get; init; }

    public required int MessageId { get; init; }

    /// <summary>True for messages the bot sent; false for the user's own messages.</summary>
    public required bool IsFromBot { get; init; }

    /// <summary>"text", "photo", "sticker", "voice", "document", … (the media field name).</summary>
    public required string Kind { get; init; }

    /// <summary>The text (or caption) as the user sees it: entities parsed, tags stripped, HTML entities decoded.</summary>
    public string Text { get; init; } = "";

    /// <summary>The text (or caption) exactly as the bot sent it, before parse_mode was applied.</summary>
    public string? RawText { get; init; }

    public ParseMode ParseMode { get; init; }

    /// <summary>Formatting entities over <see cref="Text"/> (offsets in UTF-16 code units).</summary>
    public IReadOnlyList<MessageEntity> Entities { get; init; } = [];

    /// <summary>The inline keyboard under the message, if any.</summary>
    public InlineKeyboardMarkup? ReplyMarkup { get; init; }

    /// <summary>A reply keyboard, keyboard removal or force-reply sent along (JSON), if any.</summary>
    public string? ReplyKeyboardJson { get; init; }

    public bool ProtectContent { get; init; }

    public bool DisableNotification { get; init; }

    public int? ReplyToMessageId { get; init; }

    public bool IsDeleted { get; init; }

    public int EditCount { get; init; }

    public required DateTimeOffset SentAt { get; init; }

    public DateTimeOffset? EditedAt { get; init; }

    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>The labels of all inline buttons, row by row.</summary>
    public IReadOnlyList<string> ButtonLabels =>
        ReplyMarkup?.InlineKeyboard.SelectMany(row => row).Select(b => b.Text).ToList() ?? [];

    /// <summary>The inline buttons, row by row.</summary>
    public IReadOnlyList<InlineKeyboardButton> Buttons =>
        ReplyMarkup?.InlineKeyboard.SelectMany(row => row).ToList() ?? [];

    // Chat, sender, date and media of the message; text and markup are applied on top.
    internal Message Template { get; init; } = new();

    // Global sequence number of the last change to this message, for "what changed since".
    internal long Revision { get; init; }

    /// <summary>The message as the Bot API would describe it now (e.g. inside a callback query).</summary>
    public Message ToMessage()
    {
        var message = JsonSerializer.Deserialize<Message>(
            JsonSerializer.Serialize(Template, JsonBotAPI.Options), JsonBotAPI.Options)!;
        if (Kind == "text")
        {
            message.Text = Text;
            message.Entities = Entities.Count == 0 ? null : [.. Entities];
        }
        else if (Text.Length > 0)
        {
            message.Caption = Text;
            message.CaptionEntities = Entities.Count == 0 ? null : [.. Entities];
        }

        message.ReplyMarkup = ReplyMarkup;
        message.HasProtectedContent = ProtectContent;
        message.EditDate = EditedAt?.UtcDateTime;
        return message;
    }

    public override string ToString() =>
        (IsFromBot ? "bot: " : "user: ") + (IsDeleted ? "[deleted] " : "") + Text;
}
