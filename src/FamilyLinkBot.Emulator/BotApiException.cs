namespace FamilyLinkBot.Testing;

// A Bot API failure as Telegram reports it: the HTTP status, the "description" text and,
// for 429, the "retry_after" parameter. Thrown by request handlers, turned into JSON at the edge.
internal sealed class BotApiException : Exception
{
    public BotApiException()
        : this(500, "Internal Server Error")
    {
    }

    public BotApiException(string message)
        : this(400, message)
    {
    }

    public BotApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 500;
        Description = message;
    }

    public BotApiException(int statusCode, string description, int? retryAfter = null)
        : base(description)
    {
        StatusCode = statusCode;
        Description = description;
        RetryAfter = retryAfter;
    }

    public int StatusCode { get; }

    public string Description { get; }

    public int? RetryAfter { get; }
}
