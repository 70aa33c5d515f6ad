using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Testing.Feeds;

/// <summary>
/// A loopback news-feed server for tests and the sandbox: Kestrel on 127.0.0.1 and a free port, serving RSS 2.0,
/// Atom, raw bodies and misbehaving feeds (hanging, huge, XML bomb). Honours If-None-Match and If-Modified-Since
/// with 304 and records every request.
/// </summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Uri _baseUri;
    private readonly ConcurrentDictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FeedRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();

    private FeedServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        _baseUri = baseUri;
    }

    /// <summary>Every request so far, in order of completion.</summary>
    public IReadOnlyList<FeedRequest> Requests => [.. _requests];

    /// <summary>When served feeds say they last changed (Last-Modified); one fixed second, so tests can predict it.</summary>
    public static DateTimeOffset LastModified { get; } = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static async Task<FeedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();

        FeedServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FeedServer(app, new Uri(address));
        return server;
    }

    public string UrlFor(string path) => new Uri(_baseUri, path).AbsoluteUri;

    public void SetRss(string path, IEnumerable<TestStory> items) =>
        SetFeed(path, "application/rss+xml; charset=utf-8", Rss(items));

    public void SetAtom(string path, IEnumerable<TestStory> items) =>
        SetFeed(path, "application/atom+xml; charset=utf-8", Atom(items));

    /// <summary>Serves exactly this status, content type and body, without validators.</summary>
    public void SetRaw(string path, int status, string contentType, string body) =>
        _endpoints[Key(path)] = new RawEndpoint(status, contentType, Encoding.UTF8.GetBytes(body));

    /// <summary>Answers 302 Found pointing at <paramref name="location"/>.</summary>
    public void SetRedirect(string path, string location) => _endpoints[Key(path)] = new RedirectEndpoint(location);

    /// <summary>Accepts the request and never answers, until the client gives up or the server stops.</summary>
    public void SetHanging(string path) => _endpoints[Key(path)] = new HangingEndpoint();

    /// <summary>
    /// Streams an RSS document of <paramref name="bytes"/> bytes from one reused buffer. Chunked by default, so only
    /// a reader's own cap can stop it; with <paramref name="declareLength"/> it sends Content-Length first.
    /// </summary>
    public void SetHuge(string path, long bytes, bool declareLength = false) =>
        _endpoints[Key(path)] = new HugeEndpoint(bytes, declareLength);

    /// <summary>An RSS feed whose title is a "billion laughs" entity expansion (about 3 GB if a parser expanded it).</summary>
    public void SetXmlBomb(string path)
    {
        var bomb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n  <!ENTITY lol \"lol\">\n");
        bomb.Append("  <!ENTITY lol1 \"").Append(string.Concat(Enumerable.Repeat("&lol;", 10))).Append("\">\n");
        for (var i = 2; i <= 9; i++)
        {
            bomb.Append(CultureInfo.InvariantCulture, $"  <!ENTITY lol{i} \"")
                .Append(string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))).Append("\">\n");
        }

        bomb.Append("  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n");
        bomb.Append("<rss version=\"2.0\"><channel><title>&lol9;</title><link>http://example.org/</link><description>&xxe;</description>");
        bomb.Append("<item><title>&lol9;</title><link>http://example.org/1</link></item></channel></rss>");
        SetRaw(path, 200, "application/rss+xml", bomb.ToString());
    }

    public void Remove(string path) => _endpoints.TryRemove(Key(path), out _);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    public static string Rss(IEnumerable<TestStory> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return WriteXml(writer =>
        {
            writer.WriteStartElement("rss");
            writer.WriteAttributeString("version", "2.0");
            writer.WriteStartElement("channel");
            writer.WriteElementString("title", "Test feed");
            writer.WriteElementString("link", "http://127.0.0.1/");
            writer.WriteElementString("description", "Stories for tests");
            foreach (var story in items)
            {
                writer.WriteStartElement("item");
                writer.WriteElementString("title", story.Title);
                writer.WriteElementString("link", story.Link);
                if (story.Guid is not null)
                {
                    writer.WriteStartElement("guid");
                    writer.WriteAttributeString("isPermaLink", "false");
                    writer.WriteString(story.Guid);
                    writer.WriteEndElement();
                }

                if (story.Summary is not null)
                {
                    writer.WriteElementString("description", story.Summary);
                }

                if (story.Published is { } published)
                {
                    writer.WriteElementString("pubDate", published.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture));
                }

                writer.WriteEndElement();
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        });
    }

    public static string Atom(IEnumerable<TestStory> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        const string ns = "http://www.w3.org/2005/Atom";
        return WriteXml(writer =>
        {
            writer.WriteStartElement("feed", ns);
            writer.WriteElementString("title", ns, "Test feed");
            writer.WriteElementString("id", ns, "urn:test:feed");
            writer.WriteElementString("updated", ns, XmlConvert.ToString(LastModified));
            foreach (var story in items)
            {
                writer.WriteStartElement("entry", ns);
                writer.WriteElementString("title", ns, story.Title);
                writer.WriteStartElement("link", ns);
                writer.WriteAttributeString("rel", "alternate");
                writer.WriteAttributeString("href", story.Link);
                writer.WriteEndElement();
                writer.WriteElementString("id", ns, story.Guid ?? story.Link);
                writer.WriteElementString("updated", ns, XmlConvert.ToString(story.Published ?? LastModified));
                if (story.Published is { } published)
                {
                    writer.WriteElementString("published", ns, XmlConvert.ToString(published));
                }

                if (story.Summary is not null)
                {
                    writer.WriteStartElement("summary", ns);
                    writer.WriteAttributeString("type", "html");
                    writer.WriteString(story.Summary);
                    writer.WriteEndElement();
                }

                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        });
    }

    private static string WriteXml(Action<XmlWriter> write)
    {
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true }))
        {
            write(writer);
        }

        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + text;
    }

    private static string Key(string path) => "/" + path.TrimStart('/');

    private void SetFeed(string path, string contentType, string xml)
    {
        var body = Encoding.UTF8.GetBytes(xml);
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(body))[..16] + "\"";
        _endpoints[Key(path)] = new FeedEndpoint(contentType, body, etag);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var ifNoneMatch = request.Headers.IfNoneMatch.Count > 0 ? request.Headers.IfNoneMatch.ToString() : null;
        var ifModifiedSince = request.Headers.IfModifiedSince.Count > 0 ? request.Headers.IfModifiedSince.ToString() : null;
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            if (!_endpoints.TryGetValue(request.Path.Value ?? "/", out var endpoint))
            {
                context.Response.StatusCode = 404;
                return;
            }

            await endpoint.ServeAsync(context, ifNoneMatch, ifModifiedSince, aborted.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException
                                       or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            // The client gave up (a timeout or size cap under test) or the server is stopping.
            context.Abort();
        }
        finally
        {
            _requests.Enqueue(new FeedRequest(request.Path.Value ?? "/", ifNoneMatch, ifModifiedSince,
                aborted.IsCancellationRequested && !context.Response.HasStarted ? 0 : context.Response.StatusCode));
        }
    }

    private abstract record Endpoint
    {
        public abstract Task ServeAsync(HttpContext context, string? ifNoneMatch, string? ifModifiedSince, CancellationToken ct);
    }

    private sealed record FeedEndpoint(string ContentType, byte[] Body, string ETag) : Endpoint
    {
        public override async Task ServeAsync(HttpContext context, string? ifNoneMatch, string? ifModifiedSince, CancellationToken ct)
        {
            var response = context.Response;
            response.Headers.ETag = ETag;
            response.Headers.LastModified = LastModified.ToString("r", CultureInfo.InvariantCulture);

            // RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
            var notModified = ifNoneMatch is not null
                ? ifNoneMatch.Split(',').Select(tag => tag.Trim()).Any(tag => tag == "*" || tag == ETag || tag == "W/" + ETag)
                : ifModifiedSince is not null
                  && DateTimeOffset.TryParse(ifModifiedSince, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
                  && since >= LastModified;
            if (notModified)
            {
                response.StatusCode = 304;
                return;
            }

            response.StatusCode = 200;
            response.ContentType = ContentType;
            response.ContentLength = Body.Length;
            await response.Body.WriteAsync(Body, ct);
        }
    }

    private sealed record RawEndpoint(int Status, string ContentType, byte[] Body) : Endpoint
    {
        public override async Task ServeAsync(HttpContext context, string? ifNoneMatch, string? ifModifiedSince, CancellationToken ct)
        {
            context.Response.StatusCode = Status;
            context.Response.ContentType = ContentType;
            await context.Response.Body.WriteAsync(Body, ct);
        }
    }

    private sealed record RedirectEndpoint(string Location) : Endpoint
    {
        public override Task ServeAsync(HttpContext context, string? ifNoneMatch, string? ifModifiedSince, CancellationToken ct)
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = Location;
            return Task.CompletedTask;
        }
    }

    private sealed record HangingEndpoint : Endpoint
    {
        public override Task ServeAsync(HttpContext context, string? ifNoneMatch, string? ifModifiedSince, CancellationToken ct) =>
            Task.Delay(Timeout.Infinite, ct);
    }

    private sealed record HugeEndpoint(long Bytes, bool DeclareLength) : Endpoint
    {
        private static readonly byte[] Head = Encoding.ASCII.GetBytes("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>");

        public override async Task ServeAsync(HttpContext context, string? ifNoneMatch, string? ifModifiedSince, CancellationToken ct)
        {
            var response = context.Response;
            response.StatusCode = 200;
            response.ContentType = "application/rss+xml";
            if (DeclareLength)
            {
                response.ContentLength = Bytes;
            }

            var chunk = new byte[64 * 1024];
            chunk.AsSpan().Fill((byte)'a');
            var head = (int)Math.Min(Head.Length, Bytes);
            await response.Body.WriteAsync(Head.AsMemory(0, head), ct);
            for (var sent = (long)head; sent < Bytes; sent += chunk.Length)
            {
                await response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, Bytes - sent)), ct);
            }
        }
    }
}
