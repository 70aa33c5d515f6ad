using System.Text;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Testing;

// parse_mode "MarkdownV2" as Telegram applies it (https://core.telegram.org/bots/api#markdownv2-style):
// outside entities every one of _*[]()~`>#+-=|{}.! must be escaped with '\'; inside code and pre only
// '`' and '\' need it; inside a link's (...) only ')' and '\'. Error texts follow the Bot API server's.
internal static class MarkdownV2Parser
{
    private const string ReservedCharacters = "_*[]()~`>#+-=|{}.!";

    public static FormattedText Parse(string markdown)
    {
        var state = new ParserState(markdown);
        while (state.Index < markdown.Length)
        {
            state.Step();
        }

        state.Finish();
        state.Entities.Sort((a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : b.Length.CompareTo(a.Length));
        return new FormattedText(state.Text.ToString(), state.Entities);
    }

    private static BotApiException ReservedError(char c) =>
        Error.CantParseEntities($"Character '{c}' is reserved and must be escaped with the preceding '\\'");

    private enum Kind
    {
        Bold,
        Italic,
        Underline,
        Strikethrough,
        Spoiler,
        TextUrl,
        CustomEmoji,
        Code,
        Pre,
    }

    private sealed class Marker(Kind kind, int offset, int byteOffset)
    {
        public Kind Kind { get; } = kind;

        public int Offset { get; } = offset;

        public int ByteOffset { get; } = byteOffset;

        public string? Language { get; init; }
    }

    private sealed class ParserState(string source)
    {
        private readonly List<Marker> _open = [];
        private int? _quoteStart;
        private bool _quoteExpandable;
        private bool _lineStart = true;

        public int Index { get; private set; }

        public StringBuilder Text { get; } = new();

        public List<MessageEntity> Entities { get; } = [];

        public void Step()
        {
            var c = source[Index];
            if (c == '\\')
            {
                if (Index + 1 < source.Length && source[Index + 1] is > '\0' and <= '~')
                {
                    Append(source[Index + 1]);
                    Index += 2;
                    return;
                }

                throw ReservedError(c);
            }

            if (_open.Count > 0 && _open[^1].Kind is Kind.Code or Kind.Pre)
            {
                InsideCode(c);
                return;
            }

            if (_lineStart && StartOfLine())
            {
                return;
            }

            if (_quoteStart is not null && _quoteExpandable && At("||") && (Index + 2 == source.Length || source[Index + 2] == '\n'))
            {
                CloseQuote(Text.Length);
                Index += 2;
                return;
            }

            if (!ReservedCharacters.Contains(c))
            {
                Append(c);
                Index++;
                return;
            }

            switch (c)
            {
                case '*':
                    Toggle(Kind.Bold, 1);
                    break;
                case '_' when At("__"):
                    Toggle(Kind.Underline, 2);
                    break;
                case '_':
                    Toggle(Kind.Italic, 1);
                    break;
                case '~':
                    Toggle(Kind.Strikethrough, 1);
                    break;
                case '|' when At("||"):
                    Toggle(Kind.Spoiler, 2);
                    break;
                case '`' when At("```"):
                    OpenPre();
                    break;
                case '`':
                    _open.Add(new Marker(Kind.Code, Text.Length, ByteOffset()));
                    Index++;
                    break;
                case '[':
                    _open.Add(new Marker(Kind.TextUrl, Text.Length, ByteOffset()));
                    Index++;
                    break;
                case '!' when At("!["):
                    _open.Add(new Marker(Kind.CustomEmoji, Text.Length, ByteOffset()));
                    Index += 2;
                    break;
                case ']' when _open.Count > 0 && _open[^1].Kind is Kind.TextUrl or Kind.CustomEmoji:
                    CloseLink();
                    break;
                default:
                    throw ReservedError(c);
            }
        }

        public void Finish()
        {
            if (_quoteStart is not null)
            {
                CloseQuote(Text.Length);
            }

            if (_open.Count > 0)
            {
                var marker = _open[^1];
                throw Error.CantParseEntities($"Can't find end of {marker.Kind} entity at byte offset {marker.ByteOffset}");
            }
        }

        private void InsideCode(char c)
        {
            var marker = _open[^1];
            if (marker.Kind == Kind.Pre && At("```"))
            {
                Close(marker);
                Index += 3;
            }
            else if (marker.Kind == Kind.Code && c == '`')
            {
                Close(marker);
                Index++;
            }
            else if (c == '`')
            {
                throw ReservedError(c);
            }
            else
            {
                Append(c);
                Index++;
            }
        }

        // Block quotes: lines starting with '>' (or "**>" for an expandable one ending in "||").
        private bool StartOfLine()
        {
            if (source[Index] == '>')
            {
                _quoteStart ??= Text.Length;
                Index++;
                _lineStart = false;
                return true;
            }

            if (At("**>"))
            {
                _quoteStart ??= Text.Length;
                _quoteExpandable = true;
                Index += 3;
                _lineStart = false;
                return true;
            }

            if (_quoteStart is not null)
            {
                CloseQuote(Text.Length - 1); // the quote ends before the line break
            }

            return false;
        }

        private void CloseQuote(int end)
        {
            var start = _quoteStart!.Value;
            if (end > start)
            {
                Entities.Add(new MessageEntity
                {
                    Type = _quoteExpandable ? MessageEntityType.ExpandableBlockquote : MessageEntityType.Blockquote,
                    Offset = start,
                    Length = end - start,
                });
            }

            _quoteStart = null;
            _quoteExpandable = false;
        }

        private void Toggle(Kind kind, int width)
        {
            var index = _open.FindLastIndex(m => m.Kind == kind);
            if (index < 0)
            {
                _open.Add(new Marker(kind, Text.Length, ByteOffset()));
            }
            else if (index == _open.Count - 1)
            {
                Close(_open[index]);
            }
            else
            {
                var inner = _open[^1];
                throw Error.CantParseEntities($"Can't find end of {inner.Kind} entity at byte offset {inner.ByteOffset}");
            }

            Index += width;
        }

        private void OpenPre()
        {
            var marker = new Marker(Kind.Pre, Text.Length, ByteOffset());
            Index += 3;
            var lineEnd = source.IndexOf('\n', Index);
            string? language = null;
            if (lineEnd > Index && !source.AsSpan(Index, lineEnd - Index).ContainsAny(" `\\"))
            {
                language = source[Index..lineEnd];
                Index = lineEnd + 1;
            }

            _open.Add(new Marker(marker.Kind, marker.Offset, marker.ByteOffset) { Language = language });
        }

        private void CloseLink()
        {
            var marker = _open[^1];
            _open.RemoveAt(_open.Count - 1);
            Index++;
            if (Index >= source.Length || source[Index] != '(')
            {
                return; // "[text]" without a target stays plain text
            }

            var url = new StringBuilder();
            var urlStart = ByteOffset();
            Index++;
            while (true)
            {
                if (Index >= source.Length)
                {
                    throw Error.CantParseEntities($"Can't find end of a URL at byte offset {urlStart}");
                }

                var c = source[Index];
                if (c == '\\' && Index + 1 < source.Length)
                {
                    url.Append(source[Index + 1]);
                    Index += 2;
                }
                else if (c == ')')
                {
                    Index++;
                    break;
                }
                else
                {
                    url.Append(c);
                    Index++;
                }
            }

            var length = Text.Length - marker.Offset;
            if (length == 0)
            {
                return;
            }

            var target = url.ToString();
            Entities.Add(marker.Kind == Kind.CustomEmoji
                ? new MessageEntity
                {
                    Type = MessageEntityType.CustomEmoji,
                    Offset = marker.Offset,
                    Length = length,
                    CustomEmojiId = target.StartsWith("tg://emoji?id=", StringComparison.Ordinal) ? target["tg://emoji?id=".Length..] : target,
                }
                : new MessageEntity { Type = MessageEntityType.TextLink, Offset = marker.Offset, Length = length, Url = target });
        }

        private void Close(Marker marker)
        {
            _open.Remove(marker);
            var length = Text.Length - marker.Offset;
            if (length == 0)
            {
                return;
            }

            Entities.Add(new MessageEntity
            {
                Type = marker.Kind switch
                {
                    Kind.Bold => MessageEntityType.Bold,
                    Kind.Italic => MessageEntityType.Italic,
                    Kind.Underline => MessageEntityType.Underline,
                    Kind.Strikethrough => MessageEntityType.Strikethrough,
                    Kind.Spoiler => MessageEntityType.Spoiler,
                    Kind.Code => MessageEntityType.Code,
                    Kind.Pre => MessageEntityType.Pre,
                    Kind.TextUrl => MessageEntityType.TextLink,
                    Kind.CustomEmoji => MessageEntityType.CustomEmoji,
                    _ => throw new ArgumentOutOfRangeException(nameof(marker)),
                },
                Offset = marker.Offset,
                Length = length,
                Language = marker.Language,
            });
        }

        private void Append(char c)
        {
            Text.Append(c);
            _lineStart = c == '\n';
        }

        private bool At(string token) => source.AsSpan(Index).StartsWith(token, StringComparison.Ordinal);

        private int ByteOffset() => TelegramHtmlParser.ByteOffset(source, Index);
    }
}
