namespace FamilyLinkBot.Testing;

/// <summary>The bot's answerCallbackQuery for one button press.</summary>
public sealed record CallbackAnswer(
    string CallbackQueryId,
    long ChatId,
    string? Text,
    bool ShowAlert,
    string? Url,
    int? CacheTime,
    DateTimeOffset AnsweredAt);
