using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FamilyLinkBot.Testing;

// Telegram's checks on an inline keyboard beyond its JSON shape: each button does exactly one thing,
// callback_data is 1-64 bytes of UTF-8, a URL button has an absolute http(s) or tg URL.
internal static class InlineKeyboardRules
{
    private static readonly string[] Actions =
    [
        "url", "callback_data", "web_app", "login_url", "switch_inline_query",
        "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
    ];

    public static void Validate(JsonNode? replyMarkup)
    {
        if (replyMarkup is not JsonObject markup || markup["inline_keyboard"] is not JsonArray rows)
        {
            return;
        }

        foreach (var row in rows.OfType<JsonArray>())
        {
            foreach (var button in row.OfType<JsonObject>())
            {
                ValidateButton(button);
            }
        }
    }

    private static void ValidateButton(JsonObject button)
    {
        var actions = Actions.Count(a => button[a] is not null);
        if (actions == 0)
        {
            throw Error.ButtonWithoutAction();
        }

        if (actions > 1)
        {
            throw Error.ButtonWithSeveralActions();
        }

        if (button["callback_data"] is { } data)
        {
            var bytes = data.GetValueKind() == JsonValueKind.String ? Encoding.UTF8.GetByteCount(data.GetValue<string>()) : 0;
            if (bytes is < 1 or > 64)
            {
                throw Error.ButtonDataInvalid();
            }
        }

        if (button["url"] is { } url
            && (url.GetValueKind() != JsonValueKind.String
                || !Uri.TryCreate(url.GetValue<string>(), UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https" or "tg")))
        {
            throw Error.ButtonUrlInvalid();
        }
    }
}
