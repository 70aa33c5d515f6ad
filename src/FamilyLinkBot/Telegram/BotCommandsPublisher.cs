using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace FamilyLinkBot.Telegram;

/// <summary>
/// Publishes the family commands to Telegram's command menu in each language (setMyCommands with
/// language_code), Korean also as the default for every other language.
/// </summary>
public sealed class BotCommandsPublisher(Router router, Texts texts, ITelegramBotClient bot, ILogger<BotCommandsPublisher> logger)
{
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var language in LanguageCodes.All)
            {
                await bot.SetMyCommands(CommandsFor(language), languageCode: language.Code(), cancellationToken: cancellationToken);
            }

            await bot.SetMyCommands(CommandsFor(Language.Ko), cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The command menu is a convenience: typed commands work without it.
            logger.LogWarning("Could not publish the command menu ({ErrorType}).", ex.GetType().Name);
        }
    }

    public IEnumerable<BotCommand> CommandsFor(Language language) =>
        router.Commands
            .Where(c => c.Role == Role.Anyone && c.DescriptionKey is not null)
            .OrderBy(c => Order(c.Name))
            .Select(c => new BotCommand(c.Name, texts.Get(language, c.DescriptionKey!)))
            .ToList();

    private static int Order(string name)
    {
        var index = Array.IndexOf(MenuOrder, name);
        return index < 0 ? MenuOrder.Length : index;
    }

    private static readonly string[] MenuOrder =
        ["start", "register", "cases", "subscribe", "unsubscribe", "privacy", "panic", "forget", "language", "cancel", "help"];
}
