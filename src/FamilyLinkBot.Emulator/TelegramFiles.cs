using System.Security.Cryptography;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Testing;

// Plausible file descriptions for media messages: ids shaped like Telegram's, never real files.
internal static class TelegramFiles
{
    private const string UrlSafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static Action<Message>? For(string kind) => kind switch
    {
        "photo" => m => m.Photo = Photo(),
        "sticker" => m => m.Sticker = Sticker("👍"),
        "voice" => m => m.Voice = Voice(3),
        "document" => m => m.Document = Document("document.pdf"),
        _ => null,
    };

    public static PhotoSize[] Photo() =>
    [
        new() { FileId = FileId("AgACAgIAAxkBAA"), FileUniqueId = UniqueId(), Width = 90, Height = 68, FileSize = 1_274 },
        new() { FileId = FileId("AgACAgIAAxkBAA"), FileUniqueId = UniqueId(), Width = 1280, Height = 960, FileSize = 121_593 },
    ];

    public static Sticker Sticker(string emoji) => new()
    {
        FileId = FileId("CAACAgIAAxkBAA"),
        FileUniqueId = UniqueId(),
        Type = StickerType.Regular,
        Width = 512,
        Height = 512,
        IsAnimated = false,
        IsVideo = false,
        Emoji = emoji,
        FileSize = 24_816,
    };

    public static Voice Voice(int durationSeconds) => new()
    {
        FileId = FileId("AwACAgIAAxkBAA"),
        FileUniqueId = UniqueId(),
        Duration = durationSeconds,
        MimeType = "audio/ogg",
        FileSize = 4_000 * durationSeconds,
    };

    public static Document Document(string fileName) => new()
    {
        FileId = FileId("BQACAgIAAxkBAA"),
        FileUniqueId = UniqueId(),
        FileName = fileName,
        MimeType = fileName.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) ? "application/pdf" : "application/octet-stream",
        FileSize = 48_213,
    };

    private static string FileId(string prefix) => prefix + RandomNumberGenerator.GetString(UrlSafe, 56);

    private static string UniqueId() => "AQAD" + RandomNumberGenerator.GetString(UrlSafe, 12);
}
