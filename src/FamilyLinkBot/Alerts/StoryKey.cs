using System.Globalization;
using System.Text;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// De-duplication keys for docs/DESIGN.md#7-news-alerts: two items are the same story when any of their keys is equal (same link,
/// same GUID, or the same normalized title from several feeds). Store-agnostic: callers store hashes of these.
/// </summary>
public static class StoryKey
{
    /// <summary>Titles shorter than this (letters and digits only) are too generic to identify a story.</summary>
    public const int MinTitleChars = 8;

    private const int MaxKeyChars = 2_000;

    // Parameters that say where a click came from, not what it points to.
    private static readonly string[] TrackingParameters =
        ["fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl"];

    /// <summary>
    /// "link:" + the normalized link; "guid:" + the GUID unless it is that same link; "title:" + the normalized title
    /// when it has at least <see cref="MinTitleChars"/> letters or digits. A GUID that is not a URI is unique only
    /// within its feed, so it is keyed with <paramref name="feedUrl"/> and left out when that is not given.
    /// </summary>
    public static IReadOnlyList<string> For(FeedItem item, string? feedUrl = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        var keys = new List<string>(3);

        var link = NormalizeLink(item.Link);
        if (link is not null)
        {
            keys.Add("link:" + link);
        }

        var guid = item.Id?.Trim();
        if (!string.IsNullOrEmpty(guid))
        {
            if (NormalizeLink(guid) is { } guidLink)
            {
                if (guidLink != link)
                {
                    keys.Add("guid:" + guidLink);
                }
            }
            else if (IsGlobalUri(guid))
            {
                keys.Add("guid:" + Cap(guid));
            }
            else if (NormalizeLink(feedUrl) is { } feed)
            {
                keys.Add("guid:" + Cap(feed + " " + guid));
            }
        }

        var title = NormalizeTitle(item.Title);
        if (title.Length >= MinTitleChars)
        {
            keys.Add("title:" + title);
        }

        return keys;
    }

    /// <summary>
    /// https scheme for http and https alike, lower-case host without "www.", no default port, no fragment, no
    /// utm_* or click-id parameters, remaining parameters sorted, no trailing slash; null for anything but http(s).
    /// </summary>
    public static string? NormalizeLink(string? link)
    {
        if (string.IsNullOrWhiteSpace(link)
            || !Uri.TryCreate(link.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
        {
            return null;
        }

        var host = uri.IdnHost.ToLowerInvariant();
        if (host.StartsWith("www.", StringComparison.Ordinal))
        {
            host = host[4..];
        }

        var port = uri.IsDefaultPort || uri.Port is 80 or 443 ? string.Empty : ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        var path = uri.AbsolutePath.TrimEnd('/');
        var parameters = uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !IsTracking(p))
            .Order(StringComparer.Ordinal)
            .ToList();
        var query = parameters.Count == 0 ? string.Empty : "?" + string.Join('&', parameters);
        return Cap("https://" + host + port + path + query);
    }

    /// <summary>NFKC, lower case, letters and digits only (punctuation, spaces, symbols and hidden characters removed).</summary>
    public static string NormalizeTitle(string? title)
    {
        var normalized = NewsText.Normalize(title, MaxKeyChars);
        var letters = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
        {
            if (char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                letters.Append(c);
            }
        }

        return letters.ToString();
    }

    private static bool IsTracking(string parameter)
    {
        var name = parameter.Split('=', 2)[0];
        return name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase)
            || TrackingParameters.Contains(name, StringComparer.OrdinalIgnoreCase);
    }

    // tag: (RFC 4151) and urn: identifiers are globally unique by construction; plain "12345" is not.
    private static bool IsGlobalUri(string guid) =>
        guid.StartsWith("tag:", StringComparison.OrdinalIgnoreCase) || guid.StartsWith("urn:", StringComparison.OrdinalIgnoreCase);

    private static string Cap(string key) => key.Length <= MaxKeyChars ? key : key[..MaxKeyChars];
}
