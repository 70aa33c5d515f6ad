namespace FamilyLinkBot.Testing;

// Telegram's flood limits on sending and editing messages: about 30 a second overall (up to 1,000 with
// allow_paid_broadcast) and about 1 a second per chat with a short burst allowed. Beyond them: 429.
internal sealed class RateLimits(BotApiEmulatorOptions options)
{
    private readonly Lock _gate = new();
    private readonly TokenBucket? _global = options.GlobalMessagesPerSecond is { } rate
        ? new TokenBucket(rate, rate, options.TimeProvider)
        : null;

    private readonly TokenBucket? _paid = options.GlobalMessagesPerSecond is not null
        ? new TokenBucket(options.PaidBroadcastMessagesPerSecond, options.PaidBroadcastMessagesPerSecond, options.TimeProvider)
        : null;

    private readonly Dictionary<long, TokenBucket> _perChat = [];

    public bool Enabled => options.GlobalMessagesPerSecond is not null || options.PerChatMessagesPerSecond is not null;

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
        }
    }
}
