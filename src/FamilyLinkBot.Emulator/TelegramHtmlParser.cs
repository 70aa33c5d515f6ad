using System.Globalization;
using System.Text;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Testing;

// parse_mode "HTML" as Telegram applies it (https://core.telegram.org/bots/api#html-style):
// a fixed set of tags, the named entities &lt; &gt; &amp; &quot; and numeric ones. Error texts follow
// the Bot API server's ("Unsupported start tag \"p\" at byte offset 12"). Stricter than the server in one
// place: a bare '&' is refused, as the documentation requires, so a bot that forgets to escape fails here.
internal static class TelegramHtmlParser
{
    private static readonly HashSet<string> SupportedTags =
    [
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "a", "tg-emoji", "code", "pre", "blockquote",
    ];

    public static FormattedText Parse(string html)
    {
        var text = new StringBuilder(html.Length);
        var entities = new List<MessageEntity>();
        var open = new Stack<OpenTag>();
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '&')
            {
                i = DecodeEntity(html, i, text);
            }
            else if (c == '<' && i + 1 < html.Length && html[i + 1] == '/')
            {
                i = EndTag(html, i, text, open, entities);
            }
            else if (c == '<')
            {
                i = StartTag(html, i, text, open);
            }
            else
            {
                text.Append(c);
                i++;
            }
        }

        if (open.Count > 0)
        {
            throw Error.CantParseEntities($"Can't find end tag corresponding to start tag \"{open.Peek().Name}\"");
        }

        entities.Sort((a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : b.Length.CompareTo(a.Length));
        return new FormattedText(text.ToString(), entities);
    }

    private static int DecodeEntity(string html, int start, StringBuilder text)
    {
        var semicolon = html.IndexOf(';', start + 1, Math.Min(12, html.Length - start - 1));
        if (semicolon > start + 1)
        {
            var name = html[(start + 1)..semicolon];
            var decoded = name switch
            {
                "lt" => "<",
                "gt" => ">",
                "amp" => "&",
                "quot" => "\"",
                _ when name.StartsWith("#x", StringComparison.OrdinalIgnoreCase) => CodePoint(name[2..], NumberStyles.AllowHexSpecifier),
                _ when name.StartsWith('#') => CodePoint(name[1..], NumberStyles.None),
                _ => null,
            };
            if (decoded is not null)
            {
                text.Append(decoded);
                return semicolon + 1;
            }
        }

        throw Error.CantParseEntities(
            $"Character '&' at byte offset {ByteOffset(html, start)} is not part of an HTML entity; escape it as &amp;");
    }

    private static string? CodePoint(string digits, NumberStyles style) =>
        digits.Length > 0
        && int.TryParse(digits, style, CultureInfo.InvariantCulture, out var value)
        && value is > 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF)
            ? char.ConvertFromUtf32(value)
            : null;

    private static int StartTag(string html, int start, StringBuilder text, Stack<OpenTag> open)
    {
        var i = start + 1;
        while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] != '>')
        {
            i++;
        }

        var name = html[(start + 1)..i].ToLowerInvariant();
        if (!SupportedTags.Contains(name))
        {
            throw Error.CantParseEntities($"Unsupported start tag \"{name}\" at byte offset {ByteOffset(html, start)}");
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            while (i < html.Length && char.IsWhiteSpace(html[i]))
            {
                i++;
            }

            if (i >= html.Length)
            {
                throw Error.CantParseEntities($"Unclosed start tag at byte offset {ByteOffset(html, start)}");
            }

            if (html[i] == '>')
            {
                i++;
                break;
            }

            i = ReadAttribute(html, i, start, attributes);
        }

        var tag = new OpenTag(name, text.Length, attributes, ByteOffset(html, start));
        Validate(tag, open);
        open.Push(tag);
        return i;
    }

    private static int ReadAttribute(string html, int i, int tagStart, Dictionary<string, string> attributes)
    {
        var nameStart = i;
        while (i < html.Length && (char.IsAsciiLetterOrDigit(html[i]) || html[i] is '-' or '_'))
        {
            i++;
        }

        if (i == nameStart)
        {
            throw Error.CantParseEntities($"Empty attribute name in the tag at byte offset {ByteOffset(html, tagStart)}");
        }

        var name = html[nameStart..i].ToLowerInvariant();
        while (i < html.Length && char.IsWhiteSpace(html[i]))
        {
            i++;
        }

        if (i >= html.Length || html[i] != '=')
        {
            attributes[name] = "";
            return i;
        }

        i++;
        while (i < html.Length && char.IsWhiteSpace(html[i]))
        {
            i++;
        }

        if (i >= html.Length)
        {
            throw Error.CantParseEntities($"Unclosed start tag at byte offset {ByteOffset(html, tagStart)}");
        }

        var quote = html[i];
        string raw;
        if (quote is '"' or '\'')
        {
            var close = html.IndexOf(quote, i + 1);
            if (close < 0)
            {
                throw Error.CantParseEntities($"Unclosed start tag at byte offset {ByteOffset(html, tagStart)}");
            }

            raw = html[(i + 1)..close];
            i = close + 1;
        }
        else
        {
            var valueStart = i;
            while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] != '>')
            {
                i++;
            }

            raw = html[valueStart..i];
        }

        var value = new StringBuilder();
        for (var j = 0; j < raw.Length;)
        {
            if (raw[j] == '&')
            {
                j = DecodeEntity(raw, j, value);
            }
            else
            {
                value.Append(raw[j++]);
            }
        }

        attributes[name] = value.ToString();
        return i;
    }

    private static void Validate(OpenTag tag, Stack<OpenTag> open)
    {
        switch (tag.Name)
        {
            case "span" when tag.Attributes.GetValueOrDefault("class") != "tg-spoiler":
                throw Error.CantParseEntities($"Tag \"span\" must have class \"tg-spoiler\" at byte offset {tag.ByteOffset}");
            case "tg-emoji" when string.IsNullOrEmpty(tag.Attributes.GetValueOrDefault("emoji-id")):
                throw Error.CantParseEntities($"Tag \"tg-emoji\" must have attribute \"emoji-id\" at byte offset {tag.ByteOffset}");
        }

        if (open.TryPeek(out var parent) && parent.Name is "code" or "pre" && !(parent.Name == "pre" && tag.Name == "code"))
        {
            throw Error.CantParseEntities(
                $"Tag \"{tag.Name}\" can't be nested inside tag \"{parent.Name}\" at byte offset {tag.ByteOffset}");
        }
    }

    private static int EndTag(string html, int start, StringBuilder text, Stack<OpenTag> open, List<MessageEntity> entities)
    {
        var close = html.IndexOf('>', start + 2);
        if (close < 0)
        {
            throw Error.CantParseEntities($"Unclosed end tag at byte offset {ByteOffset(html, start)}");
        }

        var name = html[(start + 2)..close].Trim().ToLowerInvariant();
        if (open.Count == 0)
        {
            throw Error.CantParseEntities($"Unexpected end tag at byte offset {ByteOffset(html, start)}");
        }

        var tag = open.Pop();
        if (tag.Name != name)
        {
            throw Error.CantParseEntities(
                $"Unmatched end tag at byte offset {ByteOffset(html, start)}, expected \"</{tag.Name}>\", found \"</{name}>\"");
        }

        var length = text.Length - tag.Offset;
        if (length > 0 && ToEntity(tag, length, open) is { } entity)
        {
            entities.Add(entity);
        }

        return close + 1;
    }

    private static MessageEntity? ToEntity(OpenTag tag, int length, Stack<OpenTag> open)
    {
        var entity = new MessageEntity { Offset = tag.Offset, Length = length };
        switch (tag.Name)
        {
            case "b" or "strong":
                entity.Type = MessageEntityType.Bold;
                break;
            case "i" or "em":
                entity.Type = MessageEntityType.Italic;
                break;
            case "u" or "ins":
                entity.Type = MessageEntityType.Underline;
                break;
            case "s" or "strike" or "del":
                entity.Type = MessageEntityType.Strikethrough;
                break;
            case "span" or "tg-spoiler":
                entity.Type = MessageEntityType.Spoiler;
                break;
            case "a":
                var href = tag.Attributes.GetValueOrDefault("href");
                if (string.IsNullOrEmpty(href))
                {
                    return null; // Telegram keeps the text and drops a link without a target
                }

                entity.Type = MessageEntityType.TextLink;
                entity.Url = href;
                break;
            case "tg-emoji":
                entity.Type = MessageEntityType.CustomEmoji;
                entity.CustomEmojiId = tag.Attributes["emoji-id"];
                break;
            case "code" when open.TryPeek(out var pre) && pre.Name == "pre":
                var language = tag.Attributes.GetValueOrDefault("class");
                if (language?.StartsWith("language-", StringComparison.Ordinal) == true)
                {
                    pre.Language = language["language-".Length..];
                }

                return null; // the enclosing pre carries the entity
            case "code":
                entity.Type = MessageEntityType.Code;
                break;
            case "pre":
                entity.Type = MessageEntityType.Pre;
                entity.Language = tag.Language;
                break;
            case "blockquote":
                entity.Type = tag.Attributes.ContainsKey("expandable")
                    ? MessageEntityType.ExpandableBlockquote
                    : MessageEntityType.Blockquote;
                break;
            default:
                return null;
        }

        return entity;
    }

    // Telegram reports positions as UTF-8 byte offsets into the original text.
    internal static int ByteOffset(string text, int index) => Encoding.UTF8.GetByteCount(text.AsSpan(0, index));

    private sealed class OpenTag(string name, int offset, Dictionary<string, string> attributes, int byteOffset)
    {
        public string Name { get; } = name;

        public int Offset { get; } = offset;

        public Dictionary<string, string> Attributes { get; } = attributes;

        public int ByteOffset { get; } = byteOffset;

        public string? Language { get; set; }
    }
}
