using System.Globalization;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Telegram;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// A feed's last poll result as stored in <c>feeds.last_result</c> (a short code, language-neutral) and as shown in
/// /feeds in the admin's language. The reason of a failure ("HTTP 500", "timeout", …) stays technical and untranslated.
/// </summary>
public static class FeedResult
{
    public const string NotModified = "not-modified";
    private const string OkWord = "ok";
    private const string SeenWord = "seen";
    private const string FailedPrefix = "failed: ";

    public static string Ok(int items, int alerts) =>
        string.Create(CultureInfo.InvariantCulture, $"{OkWord} {items} {alerts}");

    /// <summary>A feed's first fetch: its stories are recorded as seen without alerting.</summary>
    public static string Seen(int items) => string.Create(CultureInfo.InvariantCulture, $"{SeenWord} {items}");

    public static string Failed(string? reason) => FailedPrefix + (reason ?? "unknown");

    /// <summary>The stored code in the turn's language, as HTML; anything unrecognized (an older row) is shown as stored.</summary>
    public static SafeHtml Describe(Texts texts, Language language, string? stored) => new(DescribeHtml(texts, language, stored));

    private static string DescribeHtml(Texts texts, Language language, string? stored)
    {
        if (stored is null)
        {
            return "";
        }

        if (stored == NotModified)
        {
            return texts.Get(language, "feeds.result.not_modified");
        }

        if (stored.StartsWith(FailedPrefix, StringComparison.Ordinal))
        {
            return texts.Format(language, "feeds.result.failed", ("error", stored[FailedPrefix.Length..]));
        }

        var parts = stored.Split(' ');
        if (parts.Length == 3 && parts[0] == OkWord && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var items)
            && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var alerts))
        {
            return texts.Format(language, "feeds.result.ok", ("items", items), ("alerts", alerts));
        }

        if (parts.Length == 2 && parts[0] == SeenWord && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var seen))
        {
            return texts.Format(language, "feeds.result.seen", ("items", seen));
        }

        return Html.Escape(stored);
    }
}
