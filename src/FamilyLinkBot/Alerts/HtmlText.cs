using System.Net;
using System.Text;

namespace FamilyLinkBot.Alerts;

// Feed summaries are usually HTML. Alerts show plain text, so tags go and entities are decoded. A single forward
// pass: no regex, no DOM, nothing a hostile summary can make slow.
internal static class HtmlText
{
    public static string ToPlainText(string? html, int maxChars)
    {
        if (string.IsNullOrEmpty(html))
        {
            return string.Empty;
        }

        var text = new StringBuilder(Math.Min(html.Length, maxChars * 2));
        var i = 0;
        while (i < html.Length && text.Length < maxChars * 2)
        {
            var c = html[i];
            if (c == '<' && i + 1 < html.Length && (char.IsAsciiLetter(html[i + 1]) || html[i + 1] is '/' or '!' or '?'))
            {
                var close = html.IndexOf('>', i + 1);
                if (close < 0)
                {
                    break;
                }

                if (IsSkippedElement(html, i, "script") || IsSkippedElement(html, i, "style"))
                {
                    var name = IsSkippedElement(html, i, "script") ? "</script" : "</style";
                    var end = html.IndexOf(name, close, StringComparison.OrdinalIgnoreCase);
                    close = end < 0 ? html.Length - 1 : Math.Max(html.IndexOf('>', end), end);
                    if (close < 0)
                    {
                        break;
                    }
                }

                if (IsBlockTag(html, i))
                {
                    text.Append(' ');
                }

                i = close + 1;
                continue;
            }

            text.Append(c);
            i++;
        }

        var decoded = WebUtility.HtmlDecode(text.ToString());
        var collapsed = string.Join(' ', decoded.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= maxChars ? collapsed : collapsed[..maxChars].TrimEnd();
    }

    public static string TidyWhitespace(string? text, int maxChars)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= maxChars ? collapsed : collapsed[..maxChars].TrimEnd();
    }

    // Block elements separate words ("<p>a</p><p>b</p>" is "a b"); inline ones do not ("체포<b>했다</b>").
    private static readonly string[] BlockTags =
        ["p", "br", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5", "h6",
         "blockquote", "section", "article", "header", "footer", "figure", "figcaption", "hr", "img", "dd", "dt", "pre"];

    private static bool IsBlockTag(string html, int lt)
    {
        var start = lt + 1 < html.Length && html[lt + 1] == '/' ? lt + 2 : lt + 1;
        var end = start;
        while (end < html.Length && char.IsAsciiLetterOrDigit(html[end]))
        {
            end++;
        }

        var name = html.AsSpan(start, end - start);
        foreach (var tag in BlockTags)
        {
            if (name.Equals(tag, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return name.IsEmpty;
    }

    private static bool IsSkippedElement(string html, int lt, string name) =>
        string.Compare(html, lt + 1, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0
        && lt + 1 + name.Length < html.Length
        && !char.IsAsciiLetterOrDigit(html[lt + 1 + name.Length]);
}
