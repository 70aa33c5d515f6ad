using System.Net;
using FamilyLinkBot.Testing;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace FamilyLinkBot.Tests.Testing;

// A tiny bot for the driver tests: echoes text (escaped for HTML) with Yes/No buttons, edits on a press,
// answers unknown buttons with "This button has expired", stays silent on /quiet, sends two messages on /two.
internal sealed class EchoBot : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public EchoBot(BotApiEmulator emulator)
    {
        var client = EmulatorClients.Client(emulator);
        _loop = Task.Run(() => RunAsync(client, _stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static async Task RunAsync(TelegramBotClient client, CancellationToken ct)
    {
        var offset = 0;
        while (!ct.IsCancellationRequested)
        {
            foreach (var update in await client.GetUpdates(offset, timeout: 5, cancellationToken: ct))
            {
                await HandleAsync(client, update, ct);
                offset = update.Id + 1;
            }
        }
    }

    private static async Task HandleAsync(TelegramBotClient client, Update update, CancellationToken ct)
    {
        if (update.Message is { Text: { } text } message)
        {
            switch (text)
            {
                case "/quiet":
                    return;
                case "/two":
                    await client.SendMessage(message.Chat.Id, "first", cancellationToken: ct);
                    await client.SendMessage(message.Chat.Id, "second", cancellationToken: ct);
                    return;
                default:
                    var keyboard = new InlineKeyboardMarkup([[
                        InlineKeyboardButton.WithCallbackData("Yes", "yes"),
                        InlineKeyboardButton.WithCallbackData("No", "no"),
                    ]]);
                    await client.SendMessage(message.Chat.Id, $"You said: {WebUtility.HtmlEncode(text)}", ParseMode.Html, replyMarkup: keyboard, cancellationToken: ct);
                    return;
            }
        }

        if (update.CallbackQuery is { Message: { } pressed } query)
        {
            if (query.Data is "yes" or "no")
            {
                await client.AnswerCallbackQuery(query.Id, cancellationToken: ct);
                await client.EditMessageText(pressed.Chat.Id, pressed.Id, $"You chose {query.Data}", cancellationToken: ct);
            }
            else
            {
                await client.AnswerCallbackQuery(query.Id, "This button has expired", cancellationToken: ct);
            }
        }
    }
}
