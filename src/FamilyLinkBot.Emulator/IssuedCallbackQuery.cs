namespace FamilyLinkBot.Testing;

// A callback query the emulator sent to the bot, waiting for its answerCallbackQuery.
internal sealed record IssuedCallbackQuery(string Id, long ChatId, DateTimeOffset IssuedAt)
{
    public bool Answered { get; set; }
}
