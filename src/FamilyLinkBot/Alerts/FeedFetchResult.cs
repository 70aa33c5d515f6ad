namespace FamilyLinkBot.Alerts;

/// <summary>
/// The outcome of one feed fetch. <see cref="Validators"/> are always the ones to store for the next request
/// (new ones after Ok, the previous ones after NotModified or Failed). <see cref="Error"/> is a short reason
/// fit for an admin message: it never contains the feed's URL or query string.
/// </summary>
public sealed record FeedFetchResult
{
    public required FeedFetchStatus Status { get; init; }

    public IReadOnlyList<FeedItem> Items { get; init; } = [];

    public FeedValidators? Validators { get; init; }

    public string? Error { get; init; }

    public int? HttpStatus { get; init; }

    public static FeedFetchResult Ok(IReadOnlyList<FeedItem> items, FeedValidators? validators, int httpStatus) =>
        new() { Status = FeedFetchStatus.Ok, Items = items, Validators = validators, HttpStatus = httpStatus };

    public static FeedFetchResult NotModified(FeedValidators? validators) =>
        new() { Status = FeedFetchStatus.NotModified, Validators = validators, HttpStatus = 304 };

    public static FeedFetchResult Failed(string error, FeedValidators? validators, int? httpStatus = null) =>
        new() { Status = FeedFetchStatus.Failed, Error = error, Validators = validators, HttpStatus = httpStatus };
}
