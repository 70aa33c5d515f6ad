using System.Text.Json;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace FamilyLinkBot.Testing;

// getMe and answerCallbackQuery: what the bot asks about itself and how it answers button presses.
internal sealed class BotMethods(User bot, CallbackQueries queries, ChatRegistry chats)
{
    public string GetMe(RequestParameters p)
    {
        _ = p;
        return JsonSerializer.Serialize(bot, JsonBotAPI.Options);
    }

    public string AnswerCallbackQuery(RequestParameters p)
    {
        var answer = queries.Answer(
            p.String("callback_query_id") ?? "",
            p.String("text"),
            p.Bool("show_alert"),
            p.String("url"),
            p.Int("cache_time"));
        chats.Touch(answer.ChatId);
        return "true";
    }
}
