namespace FamilyLinkBot.Testing;

// Every error the emulator reports is made here, with Telegram's wording where it is known
// (from the Bot API server's answers seen in the wild); elsewhere a plain, specific description.
internal static class Error
{
    public static BotApiException BadRequest(string detail) => new(400, "Bad Request: " + detail);

    public static BotApiException Unauthorized() => new(401, "Unauthorized");

    public static BotApiException NotFound() => new(404, "Not Found");

    public static BotApiException TooManyRequests(int retryAfter) =>
        new(429, $"Too Many Requests: retry after {retryAfter}", retryAfter);

    public static BotApiException Injected(int statusCode, int? retryAfter) => statusCode switch
    {
        429 => TooManyRequests(retryAfter ?? 1),
        400 => BadRequest("injected fault"),
        401 => Unauthorized(),
        403 => BlockedByUser(),
        404 => NotFound(),
        409 => Conflict("injected fault"),
        500 => new(500, "Internal Server Error"),
        502 => new(502, "Bad Gateway"),
        503 => new(503, "Service Unavailable"),
        504 => new(504, "Gateway Timeout"),
        _ => new(statusCode, $"Error {statusCode}: injected fault"),
    };

    public static BotApiException BlockedByUser() => new(403, "Forbidden: bot was blocked by the user");

    public static BotApiException KickedFromGroup() => new(403, "Forbidden: bot was kicked from the supergroup chat");

    public static BotApiException Conflict(string detail) => new(409, "Conflict: " + detail);

    public static BotApiException TerminatedByOtherGetUpdates() =>
        Conflict("terminated by other getUpdates request; make sure that only one bot instance is running");

    public static BotApiException WebhookIsActive() =>
        Conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");

    public static BotApiException InvalidJson() => BadRequest("can't parse JSON object");

    public static BotApiException Missing(string method, string parameter) => BadRequest(parameter switch
    {
        "chat_id" => "chat_id is empty",
        "text" when method is "sendMessage" or "editMessageText" => "message text is empty",
        "message_id" => "message identifier is not specified",
        "message_ids" => "message identifiers are not specified",
        "callback_query_id" => QueryIdInvalidText,
        _ => parameter + " is required",
    });

    public static BotApiException WrongType(string path, IEnumerable<string> expected) =>
        BadRequest($"field \"{path}\" must be of type {string.Join(" or ", expected)}");

    public static BotApiException CantParseReplyMarkup(string detail) =>
        BadRequest("can't parse reply keyboard markup JSON object: " + detail);

    public static BotApiException CantParseEntities(string detail) => BadRequest("can't parse entities: " + detail);

    public static BotApiException UnsupportedParseMode() => BadRequest("unsupported parse_mode");

    public static BotApiException MessageTextEmpty() => BadRequest("message text is empty");

    public static BotApiException MessageTooLong() => BadRequest("message is too long");

    public static BotApiException CaptionTooLong() => BadRequest("message caption is too long");

    public static BotApiException ButtonDataInvalid() => BadRequest("BUTTON_DATA_INVALID");

    public static BotApiException ButtonUrlInvalid() => BadRequest("BUTTON_URL_INVALID");

    public static BotApiException ButtonWithoutAction() =>
        BadRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");

    public static BotApiException ButtonWithSeveralActions() =>
        BadRequest("can't parse inline keyboard button: exactly one of the optional fields must be used");

    public static BotApiException ChatNotFound() => BadRequest("chat not found");

    public static BotApiException ReplyTargetNotFound() => BadRequest("message to be replied not found");

    public static BotApiException MessageToEditNotFound() => BadRequest("message to edit not found");

    public static BotApiException MessageCantBeEdited() => BadRequest("message can't be edited");

    public static BotApiException NoTextToEdit() => BadRequest("there is no text in the message to edit");

    public static BotApiException NoCaptionToEdit() => BadRequest("there is no caption in the message to edit");

    public static BotApiException MessageNotModified() => BadRequest(
        "message is not modified: specified new message content and reply markup are exactly the same "
        + "as a current content and reply markup of the message");

    public static BotApiException MessageToDeleteNotFound() => BadRequest("message to delete not found");

    public static BotApiException MessageCantBeDeleted() => BadRequest("message can't be deleted");

    public static BotApiException TooManyMessageIds() => BadRequest("too many message identifiers specified");

    public static BotApiException InlineMessagesUnsupported() => BadRequest("MESSAGE_ID_INVALID");

    public static BotApiException QueryIdInvalid() => BadRequest(QueryIdInvalidText);

    public static BotApiException CallbackAnswerTooLong() => BadRequest("MESSAGE_TOO_LONG");

    public static BotApiException BotCommandInvalid() => BadRequest("BOT_COMMAND_INVALID");

    public static BotApiException BotCommandDescriptionInvalid() => BadRequest("BOT_COMMAND_DESCRIPTION_INVALID");

    public static BotApiException TooManyCommands() => BadRequest("BOT_COMMANDS_TOO_MUCH");

    public static BotApiException WrongChatAction() => BadRequest("wrong parameter action in request");

    public static BotApiException WebhookNeedsHttps() => BadRequest("bad webhook: An HTTPS URL must be provided for webhook");

    public static BotApiException LimitOutOfRange() => BadRequest("limit must be between 1 and 100");

    private const string QueryIdInvalidText =
        "query is too old and response timeout expired or query ID is invalid";

    // Misuse of the emulator by a test (not something the bot did).
    public static ArgumentException UnknownChat(string paramName) =>
        new("The chat was not created by this emulator.", paramName);

    public static InvalidOperationException PressOnDeletedMessage() =>
        new("The message was deleted; a user can no longer press its buttons.");

    public static ArgumentException NotJson(string paramName, Exception inner) =>
        new("The update is not valid JSON; Telegram never sends malformed JSON.", paramName, inner);

    public static ArgumentException UnknownUpdate(string paramName) =>
        new("No update with this id was ever queued (or it is too old to redeliver).", paramName);

    public static ArgumentException BadToken(string paramName) =>
        new("A bot token looks like \"123456789:AA…\" (digits, a colon, at least 30 URL-safe characters).", paramName);
}
