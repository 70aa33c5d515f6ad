using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Testing;

// Text as the recipient sees it plus its formatting entities: the result of applying a parse_mode.
internal sealed record FormattedText(string Text, IReadOnlyList<MessageEntity> Entities)
{
    // Applies parse_mode like Telegram; errors become 400 "can't parse entities: …".
    public static FormattedText Parse(string raw, ParseMode mode) => (mode switch
    {
        ParseMode.Html => TelegramHtmlParser.Parse(raw),
        ParseMode.MarkdownV2 => MarkdownV2Parser.Parse(raw),
        ParseMode.Markdown => LegacyMarkdownParser.Parse(raw),
        ParseMode.None => new FormattedText(raw, []),
        _ => throw Error.UnsupportedParseMode(),
    }).Trimmed();

    // parse_mode is matched case-insensitively; an empty one means none.
    public static ParseMode ParseModeFrom(string? value) => value?.ToUpperInvariant() switch
    {
        null or "" => ParseMode.None,
        "HTML" => ParseMode.Html,
        "MARKDOWNV2" => ParseMode.MarkdownV2,
        "MARKDOWN" => ParseMode.Markdown,
        _ => throw Error.UnsupportedParseMode(),
    };

    // Telegram strips leading and trailing whitespace from message texts and captions.
    private FormattedText Trimmed()
    {
        var start = 0;
        while (start < Text.Length && char.IsWhiteSpace(Text[start]))
        {
            start++;
        }

        var end = Text.Length;
        while (end > start && char.IsWhiteSpace(Text[end - 1]))
        {
            end--;
        }

        if (start == 0 && end == Text.Length)
        {
            return this;
        }

        var entities = new List<MessageEntity>();
        foreach (var entity in Entities)
        {
            var from = Math.Max(entity.Offset, start);
            var to = Math.Min(entity.Offset + entity.Length, end);
            if (to > from)
            {
                entity.Offset = from - start;
                entity.Length = to - from;
                entities.Add(entity);
            }
        }

        return new FormattedText(Text[start..end], entities);
    }
}
