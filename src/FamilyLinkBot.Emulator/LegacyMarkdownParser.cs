using System.Text;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Testing;

// parse_mode "Markdown" (legacy, https://core.telegram.org/bots/api#markdown-style): *bold*, _italic_,
// `code`, ```pre```, [text](url); no nesting; '\' escapes only _ * ` [ outside entities.
internal static class LegacyMarkdownParser
{
    public static FormattedText Parse(string markdown)
    {
        var text = new StringBuilder();
        var entities = new List<MessageEntity>();
        var i = 0;
        while (i < markdown.Length)
        {
            var c = markdown[i];
            if (c == '\\' && i + 1 < markdown.Length && markdown[i + 1] is '_' or '*' or '`' or '[')
            {
                text.Append(markdown[i + 1]);
                i += 2;
                continue;
            }

            var (open, close, type) = c switch
            {
                '*' => ("*", "*", MessageEntityType.Bold),
                '_' => ("_", "_", MessageEntityType.Italic),
                '`' when markdown.AsSpan(i).StartsWith("```") => ("```", "```", MessageEntityType.Pre),
                '`' => ("`", "`", MessageEntityType.Code),
                '[' => ("[", "]", MessageEntityType.TextLink),
                _ => (null, null, default(MessageEntityType)),
            };
            if (open is null || close is null)
            {
                text.Append(c);
                i++;
                continue;
            }

            var end = markdown.IndexOf(close, i + open.Length, StringComparison.Ordinal);
            if (end < 0)
            {
                throw Error.CantParseEntities(
                    $"Can't find end of the entity starting at byte offset {TelegramHtmlParser.ByteOffset(markdown, i)}");
            }

            var content = markdown[(i + open.Length)..end];
            i = end + close.Length;
            string? url = null;
            if (type == MessageEntityType.TextLink)
            {
                if (i < markdown.Length && markdown[i] == '(' && markdown.IndexOf(')', i) is var urlEnd and > 0)
                {
                    url = markdown[(i + 1)..urlEnd];
                    i = urlEnd + 1;
                }
            }

            if (content.Length > 0 && (type != MessageEntityType.TextLink || url is not null))
            {
                entities.Add(new MessageEntity { Type = type, Offset = text.Length, Length = content.Length, Url = url });
            }

            text.Append(content);
        }

        return new FormattedText(text.ToString(), entities);
    }
}
