namespace FamilyLinkBot.Telegram;

/// <summary>
/// The one escaping path for Telegram's HTML parse mode: every piece of user text and every
/// value substituted into a localized string goes through <see cref="Escape"/>.
/// Telegram requires only &amp;, &lt;, &gt; (and &quot; inside attributes) to be escaped.
/// </summary>
public static class Html
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (text.AsSpan().IndexOfAny("&<>\"") < 0)
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                _ => null,
            } ?? c.ToString());
        }

        return builder.ToString();
    }
}
