namespace FamilyLinkBot.Testing;

// Which handler answers which Bot API method. Methods in the reference without a handler here are
// validated and answered like Telegram answers most of them: true (or, for other send* methods, a Message).
internal sealed class MethodTable
{
    private readonly Dictionary<string, Func<RequestParameters, CancellationToken, Task<string>>> _handlers;
    private readonly MessageMethods _messages;

    public MethodTable(MessageMethods messages, UpdateMethods updates, BotMethods bot, CommandStore commands)
    {
        _messages = messages;
        _handlers = new(StringComparer.Ordinal)
        {
            ["getMe"] = Sync(bot.GetMe),
            ["getUpdates"] = updates.GetUpdatesAsync,
            ["setWebhook"] = Sync(updates.SetWebhook),
            ["deleteWebhook"] = Sync(updates.DeleteWebhook),
            ["getWebhookInfo"] = Sync(updates.GetWebhookInfo),
            ["sendMessage"] = Sync(messages.SendMessage),
            ["editMessageText"] = Sync(messages.EditMessageText),
            ["editMessageCaption"] = Sync(messages.EditMessageCaption),
            ["editMessageReplyMarkup"] = Sync(messages.EditMessageReplyMarkup),
            ["deleteMessage"] = Sync(messages.DeleteMessage),
            ["deleteMessages"] = Sync(messages.DeleteMessages),
            ["sendChatAction"] = Sync(messages.SendChatAction),
            ["answerCallbackQuery"] = Sync(bot.AnswerCallbackQuery),
            ["setMyCommands"] = Sync(commands.Set),
            ["getMyCommands"] = Sync(commands.Get),
            ["deleteMyCommands"] = Sync(commands.Delete),
        };
    }

    public Task<string> InvokeAsync(MethodSpec method, RequestParameters parameters, CancellationToken ct)
    {
        if (_handlers.TryGetValue(method.Name, out var handler))
        {
            return handler(parameters, ct);
        }

        var returnsMessage = method.Returns is ["Message"] && method.Fields.Any(f => f.Name == "chat_id");
        return Task.FromResult(returnsMessage ? _messages.SendOther(parameters) : "true");
    }

    private static Func<RequestParameters, CancellationToken, Task<string>> Sync(Func<RequestParameters, string> handler) =>
        (p, _) => Task.FromResult(handler(p));
}
