using System.Buffers;
using System.Net;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// Fetches and parses one RSS 2.0 or Atom feed (docs/DESIGN.md#7-news-alerts): conditional GET with the stored validators, a timeout
/// for the whole exchange, a hard cap on the bytes read, and every failure returned as a value, never thrown.
/// Only the caller's own cancellation surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class FeedFetcher
{
    private const int ChunkBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly int _maxBytes;

    public FeedFetcher(HttpClient http, TimeProvider time, IOptions<NewsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        var news = options.Value;
        if (news.FetchTimeout <= TimeSpan.Zero)
        {
            throw AlertsError.OptionOutOfRange(nameof(options), "News:FetchTimeout", "must be positive");
        }

        if (news.MaxFeedBytes <= 0)
        {
            throw AlertsError.OptionOutOfRange(nameof(options), "News:MaxFeedBytes", "must be positive");
        }

        _http = http;
        _time = time;
        _timeout = news.FetchTimeout;
        _maxBytes = news.MaxFeedBytes;
    }

    public static bool IsFetchableUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    public async Task<FeedFetchResult> FetchAsync(FeedSource feed, FeedValidators? validators, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(feed);
        if (!Uri.TryCreate(feed.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return FeedFetchResult.Failed("invalid URL (only absolute http and https URLs are fetched)", validators);
        }

        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        int? status = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.TryAddWithoutValidation(
                "Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1");
            if (!string.IsNullOrEmpty(validators?.ETag))
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", validators.ETag);
            }

            if (!string.IsNullOrEmpty(validators?.LastModified))
            {
                request.Headers.TryAddWithoutValidation("If-Modified-Since", validators.LastModified);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return FeedFetchResult.NotModified(Merge(ValidatorsOf(response), validators));
            }

            if (!response.IsSuccessStatusCode)
            {
                return FeedFetchResult.Failed($"HTTP {status}", validators, status);
            }

            if (response.Content.Headers.ContentLength > _maxBytes)
            {
                return FeedFetchResult.Failed(TooLarge, validators, status);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            var body = await ReadCappedAsync(stream, linked.Token);
            if (body is null)
            {
                return FeedFetchResult.Failed(TooLarge, validators, status);
            }

            var (items, error) = FeedParser.Parse(body.Value, uri);
            return error is null
                ? FeedFetchResult.Ok(items, ValidatorsOf(response), status.Value)
                : FeedFetchResult.Failed(error, validators, status);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Our timeout, or HttpClient.Timeout: either way the feed did not answer in time.
            return FeedFetchResult.Failed("timeout", validators, status);
        }
        catch (HttpRequestException ex)
        {
            // HttpRequestError names the kind of failure without the host, port or query string the message may hold.
            return FeedFetchResult.Failed($"network error ({ex.HttpRequestError})", validators, status);
        }
        catch (IOException)
        {
            return FeedFetchResult.Failed("connection broken while reading", validators, status);
        }
    }

    private string TooLarge => $"too large (over {_maxBytes} bytes)";

    // Reads at most MaxFeedBytes; one byte more and the response is abandoned (disposing it aborts the connection),
    // so a 20 MB or endless body costs at most the cap in memory and stops at once.
    private async Task<ReadOnlyMemory<byte>?> ReadCappedAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(chunk.AsMemory(0, ChunkBytes), ct);
                if (read == 0)
                {
                    return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
                }

                if (buffer.Length + read > _maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static FeedValidators? ValidatorsOf(HttpResponseMessage response)
    {
        var etag = response.Headers.TryGetValues("ETag", out var etags) ? etags.FirstOrDefault() : null;
        var lastModified = response.Content.Headers.TryGetValues("Last-Modified", out var dates) ? dates.FirstOrDefault() : null;
        var validators = new FeedValidators(etag, lastModified);
        return validators.IsEmpty ? null : validators;
    }

    private static FeedValidators? Merge(FeedValidators? fresh, FeedValidators? stored) =>
        fresh is null ? stored : new FeedValidators(fresh.ETag ?? stored?.ETag, fresh.LastModified ?? stored?.LastModified);
}
