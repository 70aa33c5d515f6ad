using System.Runtime.InteropServices;
using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;

namespace FamilyLinkBot.Alerts;

// RSS 2.0 and Atom 1.0 through System.ServiceModel.Syndication, with an XmlReader that cannot be turned against us:
// no DTD processing (entity-expansion bombs and external entities fail as unknown entities), no resolver,
// a character cap. The content type is not trusted; the bytes decide what the document is.
internal static class FeedParser
{
    public const int MaxItems = 1_000;
    public const int MaxTitleChars = 1_000;
    public const int MaxSummaryChars = 4_000;
    public const int MaxIdChars = 2_000;

    private static readonly string[] FeedRoots = ["<rss", "<feed", "<rdf:rdf"];

    public static (IReadOnlyList<FeedItem> Items, string? Error) Parse(ReadOnlyMemory<byte> body, Uri feedUri)
    {
        if (IsBlank(body.Span))
        {
            return ([], "empty response");
        }

        if (LooksLikeHtml(body.Span))
        {
            return ([], "not a feed (an HTML page)");
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            MaxCharactersFromEntities = 1_024,
            // Characters never outnumber bytes in any encoding, so the byte cap bounds the document.
            MaxCharactersInDocument = body.Length + 1_024L,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = true,
        };

        try
        {
            using var stream = MemoryMarshal.TryGetArray(body, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(body.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, settings);
            reader.MoveToContent();

            SyndicationFeedFormatter formatter;
            var rss = new Rss20FeedFormatter();
            var atom = new Atom10FeedFormatter();
            if (rss.CanRead(reader))
            {
                formatter = rss;
            }
            else if (atom.CanRead(reader))
            {
                formatter = atom;
            }
            else
            {
                return ([], $"not an RSS 2.0 or Atom feed (root element <{Truncate(reader.LocalName, 40)}>)");
            }

            formatter.DateTimeParser = FeedDates.TryParseForSyndication;
            formatter.UriParser = TryParseUri;
            formatter.ReadFrom(reader);
            return (ToItems(formatter.Feed, feedUri), null);
        }
        catch (XmlException ex)
        {
            return ([], $"malformed XML ({Truncate(ex.Message, 160)})");
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException
                                       or OverflowException or NotSupportedException or UriFormatException)
        {
            return ([], $"unreadable feed ({ex.GetType().Name})");
        }
    }

    private static List<FeedItem> ToItems(SyndicationFeed feed, Uri feedUri)
    {
        // Relative item links (invalid in RSS, common in practice) resolve against xml:base, else the site, else the feed.
        var site = feed.Links.FirstOrDefault(l => l.RelationshipType is null or "alternate")?.Uri;
        var baseUri = feed.BaseUri is { IsAbsoluteUri: true } b ? b
            : site is { IsAbsoluteUri: true, Scheme: "http" or "https" } ? site
            : feedUri;
        var items = new List<FeedItem>();
        foreach (var item in feed.Items)
        {
            if (items.Count == MaxItems)
            {
                break;
            }

            var title = item.Title is { } t
                ? t.Type is "html" or "xhtml" ? HtmlText.ToPlainText(t.Text, MaxTitleChars) : HtmlText.TidyWhitespace(t.Text, MaxTitleChars)
                : string.Empty;
            var summary = HtmlText.ToPlainText(item.Summary?.Text ?? (item.Content as TextSyndicationContent)?.Text, MaxSummaryChars);
            if (title.Length == 0)
            {
                // Some RSS items carry only a description; its start is the best title there is.
                title = summary.Length <= 200 ? summary : summary[..200].TrimEnd() + "…";
            }

            if (title.Length == 0)
            {
                continue;
            }

            var id = string.IsNullOrWhiteSpace(item.Id) ? null : Truncate(item.Id.Trim(), MaxIdChars);
            var link = LinkOf(item, item.BaseUri is { IsAbsoluteUri: true } ib ? ib : baseUri)
                ?? (id is not null && FeedFetcher.IsFetchableUrl(id) ? id : null);

            items.Add(new FeedItem(id, link, title, summary.Length == 0 ? null : summary, DateOf(item)));
        }

        return items;
    }

    private static string? LinkOf(SyndicationItem item, Uri baseUri)
    {
        var links = item.Links.Where(l => l.Uri is not null).ToList();
        var link = links.FirstOrDefault(l => l.RelationshipType is null or "alternate") ?? links.FirstOrDefault();
        if (link?.Uri is not { } uri)
        {
            return null;
        }

        if (!uri.IsAbsoluteUri && !Uri.TryCreate(baseUri, uri, out uri!))
        {
            return null;
        }

        return uri.Scheme is "http" or "https" ? Truncate(uri.AbsoluteUri, MaxIdChars) : null;
    }

    private static DateTimeOffset? DateOf(SyndicationItem item)
    {
        if (item.PublishDate != default && item.PublishDate != DateTimeOffset.MinValue)
        {
            return item.PublishDate;
        }

        return item.LastUpdatedTime != default && item.LastUpdatedTime != DateTimeOffset.MinValue
            ? item.LastUpdatedTime
            : null;
    }

    // A link Syndication cannot parse costs the link, not the feed.
    private static bool TryParseUri(XmlUriData data, out Uri uri)
    {
        if (Uri.TryCreate(data.UriString?.Trim(), data.UriKind, out var parsed)
            || Uri.TryCreate(data.UriString?.Trim(), UriKind.RelativeOrAbsolute, out parsed))
        {
            uri = parsed;
            return true;
        }

        uri = new Uri("about:invalid");
        return true;
    }

    private static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF))
            {
                return false;
            }
        }

        return true;
    }

    // An HTML page (a login wall, an error page, a site moved) is a common "feed" failure; say so plainly.
    private static bool LooksLikeHtml(ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetString(body[..Math.Min(body.Length, 1_024)]).ToLowerInvariant();
        var html = head.IndexOf("<html", StringComparison.Ordinal);
        var doctype = head.IndexOf("<!doctype html", StringComparison.Ordinal);
        var first = html < 0 ? doctype : doctype < 0 ? html : Math.Min(html, doctype);
        if (first < 0)
        {
            return false;
        }

        var feed = FeedRoots
            .Select(tag => head.IndexOf(tag, StringComparison.Ordinal))
            .Where(index => index >= 0)
            .DefaultIfEmpty(int.MaxValue)
            .Min();
        return first < feed;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
