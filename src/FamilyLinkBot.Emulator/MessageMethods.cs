using System.Text.Json;
using System.Text.Json.Nodes;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace FamilyLinkBot.Testing;

// sendMessage, the other send* methods that return a Message, edits, deletions and sendChatAction,
// with Telegram's limits: 4096-character texts, 1024-character captions, deletion within 48 hours.
internal sealed class MessageMethods(ChatRegistry chats, TimeProvider time, User bot)
{
    private const int MaxTextLength = 4096;
    private const int MaxCaptionLength = 1024;

    // Telegram: "A message can only be deleted if it was sent less than 48 hours ago."
    private static readonly TimeSpan DeletionWindow = TimeSpan.FromHours(48);

    private static readonly HashSet<string> ChatActions =
    [
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
    ];

    public string SendMessage(RequestParameters p)
    {
        lock (chats.Gate)
        {
            var chat = chats.Resolve(p["chat_id"]);
            var text = Format(p, "text", "entities", MaxTextLength, required: true);
            var markup = ReadMarkup(p);
            EnsureReachable(chat);
            return Json(AddBotMessage(chat, "text", text, markup, p, media: null).ToMessage());
        }
    }

    // sendPhoto, sendDocument, sendSticker, sendLocation, …: stored as a message of that kind with its caption.
    public string SendOther(RequestParameters p)
    {
        var kind = KindOf(p.Method);
        lock (chats.Gate)
        {
            var chat = chats.Resolve(p["chat_id"]);
            var caption = Format(p, "caption", "caption_entities", MaxCaptionLength, required: false);
            var markup = ReadMarkup(p);
            EnsureReachable(chat);
            return Json(AddBotMessage(chat, kind, caption, markup, p, TelegramFiles.For(kind)).ToMessage());
        }
    }

    public string EditMessageText(RequestParameters p)
    {
        lock (chats.Gate)
        {
            var (chat, message) = FindForEdit(p);
            if (message.Kind != "text")
            {
                throw Error.NoTextToEdit();
            }

            return Edit(chat, message, Format(p, "text", "entities", MaxTextLength, required: true), ReadMarkup(p));
        }
    }

    public string EditMessageCaption(RequestParameters p)
    {
        lock (chats.Gate)
        {
            var (chat, message) = FindForEdit(p);
            if (message.Kind == "text")
            {
                throw Error.NoCaptionToEdit();
            }

            return Edit(chat, message, Format(p, "caption", "caption_entities", MaxCaptionLength, required: false), ReadMarkup(p));
        }
    }

    public string EditMessageReplyMarkup(RequestParameters p)
    {
        lock (chats.Gate)
        {
            var (chat, message) = FindForEdit(p);
            var current = new Content(new FormattedText(message.Text, message.Entities), message.ParseMode, message.RawText);
            return Edit(chat, message, current, ReadMarkup(p));
        }
    }

    public string DeleteMessage(RequestParameters p)
    {
        lock (chats.Gate)
        {
            var chat = chats.Resolve(p["chat_id"]);
            Delete(chat, p.Int("message_id") ?? throw Error.Missing(p.Method, "message_id"), strict: true);
            return "true";
        }
    }

    // Like Telegram: skips messages that are missing or too old, and still answers true.
    public string DeleteMessages(RequestParameters p)
    {
        var ids = (p["message_ids"] as JsonArray ?? []).Select(n => AsInt(n) ?? 0).ToList();
        if (ids.Count == 0)
        {
            throw Error.Missing(p.Method, "message_ids");
        }

        if (ids.Count > 100)
        {
            throw Error.TooManyMessageIds();
        }

        lock (chats.Gate)
        {
            var chat = chats.Resolve(p["chat_id"]);
            foreach (var id in ids)
            {
                Delete(chat, id, strict: false);
            }

            return "true";
        }
    }

    public string SendChatAction(RequestParameters p)
    {
        lock (chats.Gate)
        {
            var chat = chats.Resolve(p["chat_id"]);
            if (!ChatActions.Contains(p.String("action") ?? ""))
            {
                throw Error.WrongChatAction();
            }

            EnsureReachable(chat);
            return "true";
        }
    }

    // "sendVideoNote" → "video_note": the Message field that holds the media.
    private static string KindOf(string method)
    {
        var name = method.StartsWith("send", StringComparison.Ordinal) ? method[4..] : method;
        return string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
    }

    private static void EnsureReachable(ChatState chat)
    {
        if (chat.Blocked)
        {
            throw chat.Chat.Type == ChatType.Private ? Error.BlockedByUser() : Error.KickedFromGroup();
        }
    }

    private static Content Format(RequestParameters p, string textField, string entitiesField, int maxLength, bool required)
    {
        var raw = p.String(textField) ?? "";
        var mode = FormattedText.ParseModeFrom(p.String("parse_mode"));
        var formatted = p[entitiesField] is JsonArray
            ? new FormattedText(raw, p.Deserialize<MessageEntity[]>(entitiesField) ?? [])
            : FormattedText.Parse(raw, mode);
        if (formatted.Text.Length == 0 && required)
        {
            throw Error.MessageTextEmpty();
        }

        if (formatted.Text.Length > maxLength)
        {
            throw textField == "caption" ? Error.CaptionTooLong() : Error.MessageTooLong();
        }

        return new Content(formatted, mode, p[textField] is null ? null : raw);
    }

    private static Markup ReadMarkup(RequestParameters p)
    {
        var node = p["reply_markup"];
        if (node is null)
        {
            return new Markup(null, null);
        }

        InlineKeyboardRules.Validate(node);
        return node is JsonObject markup && markup.ContainsKey("inline_keyboard")
            ? new Markup(node.Deserialize<InlineKeyboardMarkup>(JsonBotAPI.Options), null)
            : new Markup(null, node.ToJsonString());
    }

    private BotMessage AddBotMessage(ChatState chat, string kind, Content content, Markup markup, RequestParameters p, Action<Message>? media)
    {
        var now = time.GetUtcNow();
        var replyTo = ReplyTarget(chat, p);
        var id = chat.NextMessageId++;
        var template = new Message
        {
            Id = id,
            From = bot,
            Chat = chat.Chat,
            Date = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()).UtcDateTime,
            ReplyToMessage = replyTo?.ToMessage(),
        };
        media?.Invoke(template);
        var message = new BotMessage
        {
            ChatId = chat.Id,
            MessageId = id,
            IsFromBot = true,
            Kind = kind,
            Text = content.Formatted.Text,
            RawText = content.Raw,
            ParseMode = content.Mode,
            Entities = content.Formatted.Entities,
            ReplyMarkup = markup.Inline,
            ReplyKeyboardJson = markup.OtherJson,
            ProtectContent = p.Bool("protect_content"),
            DisableNotification = p.Bool("disable_notification"),
            ReplyToMessageId = replyTo?.MessageId,
            SentAt = now,
            Template = template,
            Revision = chats.NextRevision(),
        };
        chat.Add(message);
        chat.Activity++;
        return message;
    }

    private static BotMessage? ReplyTarget(ChatState chat, RequestParameters p)
    {
        int? targetId;
        bool allowMissing;
        if (p["reply_parameters"] is JsonObject reply)
        {
            targetId = AsInt(reply["message_id"]);
            allowMissing = reply["allow_sending_without_reply"]?.GetValueKind() == JsonValueKind.True;
        }
        else
        {
            targetId = p.Int("reply_to_message_id"); // pre-7.0 form, still accepted by Telegram
            allowMissing = p.Bool("allow_sending_without_reply");
        }

        if (targetId is null)
        {
            return null;
        }

        var target = chat.Find(targetId.Value);
        return target is { IsDeleted: false } ? target
            : allowMissing ? null
            : throw Error.ReplyTargetNotFound();
    }

    private (ChatState Chat, BotMessage Message) FindForEdit(RequestParameters p)
    {
        if (p["inline_message_id"] is not null)
        {
            throw Error.InlineMessagesUnsupported();
        }

        var chat = chats.Resolve(p["chat_id"]);
        var id = p.Int("message_id") ?? throw Error.Missing(p.Method, "message_id");
        EnsureReachable(chat);
        var message = chat.Find(id);
        if (message is null || message.IsDeleted)
        {
            throw Error.MessageToEditNotFound();
        }

        return message.IsFromBot ? (chat, message) : throw Error.MessageCantBeEdited();
    }

    private string Edit(ChatState chat, BotMessage message, Content content, Markup markup)
    {
        if (message.Text == content.Formatted.Text
            && Json(message.Entities) == Json(content.Formatted.Entities)
            && Json(message.ReplyMarkup) == Json(markup.Inline))
        {
            throw Error.MessageNotModified();
        }

        var now = time.GetUtcNow();
        var edited = message with
        {
            Text = content.Formatted.Text,
            RawText = content.Raw,
            ParseMode = content.Mode,
            Entities = content.Formatted.Entities,
            ReplyMarkup = markup.Inline, // an edit without reply_markup removes the keyboard, as on Telegram
            EditCount = message.EditCount + 1,
            EditedAt = now,
            Revision = chats.NextRevision(),
        };
        chat.Replace(edited);
        chat.Activity++;
        return Json(edited.ToMessage());
    }

    private void Delete(ChatState chat, int messageId, bool strict)
    {
        var message = chat.Find(messageId);
        if (message is null || message.IsDeleted)
        {
            if (strict)
            {
                throw Error.MessageToDeleteNotFound();
            }

            return;
        }

        var now = time.GetUtcNow();
        if (now - message.SentAt >= DeletionWindow)
        {
            if (strict)
            {
                throw Error.MessageCantBeDeleted();
            }

            return;
        }

        chat.Replace(message with { IsDeleted = true, DeletedAt = now, Revision = chats.NextRevision() });
        chat.Activity++;
    }

    private static int? AsInt(JsonNode? node) =>
        int.TryParse(node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node?.ToJsonString(),
            System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonBotAPI.Options);

    private sealed record Content(FormattedText Formatted, ParseMode Mode, string? Raw);

    private sealed record Markup(InlineKeyboardMarkup? Inline, string? OtherJson);
}
