using System.Globalization;
using System.ServiceModel.Syndication;

namespace FamilyLinkBot.Alerts;

// Lenient feed dates. SyndicationFeed throws on a pubDate that is not strict RFC 822, which many real feeds send
// ("2024-03-05 10:00:00", "Tue, 5 Mar 2024 10:00:00 KST", two-digit years). A bad date must cost the date, not the feed.
internal static class FeedDates
{
    private static readonly string[] Formats =
    [
        "d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm zzz", "d MMM yy HH:mm:ss zzz", "d MMM yy HH:mm zzz",
        "d MMMM yyyy HH:mm:ss zzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd HH:mm:ss zzz", "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm zzz",
    ];

    // RFC 822 §5.1 zone names, plus KST, which Korean feeds use.
    private static readonly Dictionary<string, string> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = "+00:00", ["UTC"] = "+00:00", ["GMT"] = "+00:00", ["Z"] = "+00:00",
        ["EST"] = "-05:00", ["EDT"] = "-04:00", ["CST"] = "-06:00", ["CDT"] = "-05:00",
        ["MST"] = "-07:00", ["MDT"] = "-06:00", ["PST"] = "-08:00", ["PDT"] = "-07:00",
        ["KST"] = "+09:00", ["JST"] = "+09:00",
    };

    /// <summary>A <see cref="TryParseDateTimeCallback"/> that never fails: unreadable dates become MinValue (= none).</summary>
    public static bool TryParseForSyndication(XmlDateTimeData data, out DateTimeOffset value)
    {
        value = Parse(data.DateTimeString) ?? DateTimeOffset.MinValue;
        return true;
    }

    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 100)
        {
            return null;
        }

        var s = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

        // Drop a leading weekday ("Tue," or "Tue "), which is redundant and often wrong.
        var comma = s.IndexOf(',', StringComparison.Ordinal);
        if (comma is > 0 and <= 10 && s[..comma].All(char.IsLetter))
        {
            s = s[(comma + 1)..].TrimStart();
        }

        s = NormalizeZone(s);
        if (DateTimeOffset.TryParseExact(s, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var exact))
        {
            return exact;
        }

        return DateTimeOffset.TryParse(
            s, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var loose)
            ? loose
            : null;
    }

    // "+0900" → "+09:00" and "GMT"/"KST" → offsets, so the "zzz" formats apply.
    private static string NormalizeZone(string s)
    {
        var space = s.LastIndexOf(' ');
        if (space < 0)
        {
            return s;
        }

        var zone = s[(space + 1)..];
        if (Zones.TryGetValue(zone, out var offset))
        {
            return s[..(space + 1)] + offset;
        }

        if (zone.Length == 5 && zone[0] is '+' or '-' && zone.Skip(1).All(char.IsAsciiDigit))
        {
            return s[..(space + 1)] + zone[..3] + ":" + zone[3..];
        }

        return s;
    }
}
