using FamilyLinkBot.Testing;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Tests.Testing;

// parse_mode rules, table-driven: what Telegram shows for well-formed text, and its error for malformed text.
public sealed class FormattingParserTests
{
    public static TheoryData<string, string, string> ValidHtml => new()
    {
        { "<b>bold</b> and <i>it</i>", "bold and it", "Bold 0 4; Italic 9 2" },
        { "<strong>s</strong><em>e</em><u>u</u><ins>i</ins><s>x</s><strike>y</strike><del>z</del>", "seuixyz", "Bold 0 1; Italic 1 1; Underline 2 1; Underline 3 1; Strikethrough 4 1; Strikethrough 5 1; Strikethrough 6 1" },
        { "<a href=\"https://x.org/?a=1&amp;b=2\">link</a>", "link", "TextLink 0 4 https://x.org/?a=1&b=2" },
        { "<pre><code class=\"language-csharp\">var x;</code></pre>", "var x;", "Pre 0 6 csharp" },
        { "<code>a &lt; b</code>", "a < b", "Code 0 5" },
        { "<span class=\"tg-spoiler\">s</span><tg-spoiler>t</tg-spoiler>", "st", "Spoiler 0 1; Spoiler 1 1" },
        { "<blockquote expandable>long</blockquote><blockquote>q</blockquote>", "longq", "ExpandableBlockquote 0 4; Blockquote 4 1" },
        { "<tg-emoji emoji-id=\"5368324170671202286\">👍</tg-emoji>", "👍", "CustomEmoji 0 2" },
        { "&#72;&#x69; &quot;you&quot;", "Hi \"you\"", "" },
        { "a > b", "a > b", "" },
        { "<B>upper</B>", "upper", "Bold 0 5" },
        { "  <b>x</b>  ", "x", "Bold 0 1" },
        { "<b>bold <i>both</i></b>", "bold both", "Bold 0 9; Italic 5 4" },
    };

    public static TheoryData<string, string> InvalidHtml => new()
    {
        { "<p>x</p>", "Unsupported start tag \"p\" at byte offset 0" },
        { "가<br>", "Unsupported start tag \"br\" at byte offset 3" },
        { "a < b", "Unsupported start tag \"\" at byte offset 2" },
        { "<b>x", "Can't find end tag corresponding to start tag \"b\"" },
        { "<b><i>x</b></i>", "Unmatched end tag at byte offset 7, expected \"</i>\", found \"</b>\"" },
        { "x</b>", "Unexpected end tag at byte offset 1" },
        { "a & b", "Character '&' at byte offset 2" },
        { "&nbsp;", "Character '&' at byte offset 0" },
        { "<b", "Unclosed start tag at byte offset 0" },
        { "<span>x</span>", "must have class \"tg-spoiler\"" },
        { "<code><b>x</b></code>", "can't be nested inside tag \"code\"" },
    };

    public static TheoryData<string, string, string> ValidMarkdownV2 => new()
    {
        { "*bold* _it_ __u__ ~s~ ||sp||", "bold it u s sp", "Bold 0 4; Italic 5 2; Underline 8 1; Strikethrough 10 1; Spoiler 12 2" },
        { "[link](https://x.org/a\\)b)", "link", "TextLink 0 4 https://x.org/a)b" },
        { "`code \\` tick`", "code ` tick", "Code 0 11" },
        { "```python\nprint(1)\n```", "print(1)", "Pre 0 8 python" },
        { ">quote\n>more\nafter", "quote\nmore\nafter", "Blockquote 0 10" },
        { "1\\. Done\\! \\(really\\)", "1. Done! (really)", "" },
        { "*bold _both_*", "bold both", "Bold 0 9; Italic 5 4" },
    };

    public static TheoryData<string, string> InvalidMarkdownV2 => new()
    {
        { "Done.", "Character '.' is reserved and must be escaped with the preceding '\\'" },
        { "a-b", "Character '-' is reserved" },
        { "*open", "Can't find end of Bold entity at byte offset 0" },
        { "_a *b_ c*", "Can't find end of Bold entity at byte offset 3" },
        { "[x](https://x.org", "Can't find end of a URL" },
    };

    [Theory]
    [MemberData(nameof(ValidHtml))]
    public void HtmlRendersLikeTelegram(string html, string text, string entities) =>
        AssertRendered(FormattedText.Parse(html, ParseMode.Html), text, entities);

    [Theory]
    [MemberData(nameof(InvalidHtml))]
    public void MalformedHtmlIsRefused(string html, string detail) =>
        AssertRefused(() => FormattedText.Parse(html, ParseMode.Html), detail);

    [Theory]
    [MemberData(nameof(ValidMarkdownV2))]
    public void MarkdownV2RendersLikeTelegram(string markdown, string text, string entities) =>
        AssertRendered(FormattedText.Parse(markdown, ParseMode.MarkdownV2), text, entities);

    [Theory]
    [MemberData(nameof(InvalidMarkdownV2))]
    public void MalformedMarkdownV2IsRefused(string markdown, string detail) =>
        AssertRefused(() => FormattedText.Parse(markdown, ParseMode.MarkdownV2), detail);

    [Fact]
    public void LegacyMarkdownRendersAndRefusesUnclosedEntities()
    {
        AssertRendered(FormattedText.Parse("*b* _i_ [l](https://x.org)", ParseMode.Markdown), "b i l", "Bold 0 1; Italic 2 1; TextLink 4 1 https://x.org");
        AssertRefused(() => FormattedText.Parse("*open", ParseMode.Markdown), "Can't find end of the entity starting at byte offset 0");
    }

    [Theory]
    [InlineData("HTML", ParseMode.Html)]
    [InlineData("html", ParseMode.Html)]
    [InlineData("MarkdownV2", ParseMode.MarkdownV2)]
    [InlineData("Markdown", ParseMode.Markdown)]
    [InlineData("", ParseMode.None)]
    public void ParseModeIsMatchedCaseInsensitively(string value, ParseMode expected) =>
        Assert.Equal(expected, FormattedText.ParseModeFrom(value));

    private static void AssertRendered(FormattedText formatted, string text, string entities)
    {
        Assert.Equal(text, formatted.Text);
        Assert.Equal(entities, string.Join("; ", formatted.Entities.Select(e =>
            string.Join(" ", new[] { e.Type.ToString(), e.Offset.ToString(), e.Length.ToString(), e.Url ?? e.Language }.Where(p => p is not null)))));
    }

    private static void AssertRefused(Action parse, string detail)
    {
        var error = Assert.Throws<BotApiException>(parse);
        Assert.Equal(400, error.StatusCode);
        Assert.StartsWith("Bad Request: can't parse entities: ", error.Description);
        Assert.Contains(detail, error.Description);
    }
}
