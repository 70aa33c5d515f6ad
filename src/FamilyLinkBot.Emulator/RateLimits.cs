namespace FamilyLinkBot.Testing;

// Telegram's flood limits on sending and editing messages: about 30 a second overall (up to 1,000 with
// allow_paid_broadcast) and about 1 a second per chat with a short burst allowed. Beyond them: 429.
// The strict mode counts sends and edits in a sliding one-second window with no burst allowance at all: the
// hardest reading of "30 a second", used to check that a bot never exceeds its limit in any one-second window.
internal sealed class RateLimits(BotApiEmulatorOptions options)
{
    private readonly Lock _gate = new();
    private readonly TokenBucket? _global = options.GlobalMessagesPerSecond is { } rate && options.StrictWindowMessages is null
        ? new TokenBucket(rate, rate, options.TimeProvider)
        : null;

    private readonly int? _strictLimit = options.StrictWindowMessages;

    // Requests that count (not paid broadcasts), accepted in the last second: enforces the strict mode, measures the peak always.
    private readonly SlidingWindow _window = new(TimeSpan.FromSeconds(1), options.TimeProvider);

    private readonly TokenBucket? _paid = options.GlobalMessagesPerSecond is not null || options.StrictWindowMessages is not null
        ? new TokenBucket(options.PaidBroadcastMessagesPerSecond, options.PaidBroadcastMessagesPerSecond, options.TimeProvider)
        : null;

    private readonly Dictionary<long, TokenBucket> _perChat = [];

    // The most requests (sends and edits without allow_paid_broadcast) accepted in any one-second window so far.
    public int Peak
    {
        get
        {
            lock (_gate)
            {
                return _window.Peak;
            }
        }
    }

    // Methods that put a message into a chat or change one.
    public static bool Applies(string method) =>
        (method.StartsWith("send", StringComparison.Ordinal) && method is not ("sendChatAction" or "sendMessageDraft" or "sendRichMessageDraft"))
        || method.StartsWith("editMessage", StringComparison.Ordinal)
        || method is "copyMessage" or "copyMessages" or "forwardMessage" or "forwardMessages";

    public void Acquire(long? chatId, bool paidBroadcast)
    {
        lock (_gate)
        {
            var global = paidBroadcast ? _paid : _global;
            TokenBucket? chat = null;
            if (chatId is { } id && options.PerChatMessagesPerSecond is { } perChat)
            {
                if (!_perChat.TryGetValue(id, out chat))
                {
                    chat = new TokenBucket(Math.Max(1, options.PerChatBurst), perChat, options.TimeProvider);
                    _perChat[id] = chat;
                }
            }

            var retryAfter = 0;
            if (global?.HasToken(out var globalWait) == false)
            {
                retryAfter = globalWait;
            }

            if (!paidBroadcast && _strictLimit is { } limit && _window.Count >= limit)
            {
                retryAfter = Math.Max(retryAfter, _window.RetryAfterSeconds());
            }

            if (chat?.HasToken(out var chatWait) == false)
            {
                retryAfter = Math.Max(retryAfter, chatWait);
            }

            if (retryAfter > 0)
            {
                throw Error.TooManyRequests(retryAfter);
            }

            global?.Take();
            chat?.Take();
            if (!paidBroadcast)
            {
                _window.Add();
            }
        }
    }
}
