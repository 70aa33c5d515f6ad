namespace FamilyLinkBot.Delivery;

/// <summary>
/// Chooses what goes out in the next send slot: the highest-priority due item (Interactive, then Notice, then
/// Bulk; oldest first within a lane) whose chat may take a message now. It holds a bounded window of the outbox's
/// pending rows, refreshed from the database by <see cref="OutboxDispatcher"/>.
/// Per chat: one request at a time, order kept within a lane, and a token bucket like Telegram's (about 1 a
/// second with a burst of 3): a reply may use the burst (a reply is often 2–3 messages), a notice or bulk item
/// needs a gap of 1 s since the chat's last send and leaves one token in reserve for a reply.
/// </summary>
internal sealed class SendScheduler
{
    internal const double ChatBurst = 3;
    private const double ChatRate = 1; // per second

    private readonly Lock _gate = new();
    private readonly List<DueItem> _window = [];
    private readonly HashSet<long> _inFlight = [];
    private readonly HashSet<string> _busyChats = new(StringComparer.Ordinal);
    private readonly HashSet<long> _finishedSinceRefresh = [];
    private readonly Dictionary<string, ChatBucket> _chats = new(StringComparer.Ordinal);

    public int WindowCount
    {
        get
        {
            lock (_gate)
            {
                return _window.Count;
            }
        }
    }

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>Call before reading the outbox: items finished after this are not taken back from a stale read.</summary>
    public void BeginRefresh()
    {
        lock (_gate)
        {
            _finishedSinceRefresh.Clear();
        }
    }

    /// <summary>Replaces the window with a fresh read of pending rows (ordered by lane, id).</summary>
    public void Replace(IEnumerable<DueItem> pending, DateTimeOffset now)
    {
        lock (_gate)
        {
            _window.Clear();
            foreach (var item in pending)
            {
                if (!_inFlight.Contains(item.Id) && !_finishedSinceRefresh.Contains(item.Id))
                {
                    _window.Add(item);
                }
            }

            _window.Sort(Order);
            // Buckets refill in 3 s; a chat not sent to for longer needs no entry.
            foreach (var (chat, bucket) in _chats.Where(c => now - c.Value.LastSend > TimeSpan.FromSeconds(ChatBurst / ChatRate) && !_busyChats.Contains(c.Key)).ToList())
            {
                _ = bucket;
                _chats.Remove(chat);
            }
        }
    }

    /// <summary>Takes the item for the next send slot, or null (with the earliest time something may be due).</summary>
    public DueItem? Take(DateTimeOffset now)
    {
        lock (_gate)
        {
            HashSet<string>? held = null;
            for (var i = 0; i < _window.Count; i++)
            {
                var item = _window[i];
                if (held?.Contains(item.ChatRef) == true)
                {
                    continue;
                }

                if (item.NotBefore > now || _busyChats.Contains(item.ChatRef) || !ChatAllows(item, now))
                {
                    // The chat's later items wait behind this one: per-chat order.
                    (held ??= new HashSet<string>(StringComparer.Ordinal)).Add(item.ChatRef);
                    continue;
                }

                _window.RemoveAt(i);
                _inFlight.Add(item.Id);
                _busyChats.Add(item.ChatRef);
                var bucket = Bucket(item.ChatRef, now);
                bucket.Tokens -= 1;
                bucket.LastSend = now;
                return item;
            }

            return null;
        }
    }

    /// <summary>The send is over. An item to try again goes back into the window, keeping its chat's order.</summary>
    public void Finished(DueItem item, DateTimeOffset? retryAt)
    {
        lock (_gate)
        {
            _inFlight.Remove(item.Id);
            _busyChats.Remove(item.ChatRef);
            if (retryAt is { } at)
            {
                var again = item with { NotBefore = at, Attempts = item.Attempts };
                var index = _window.BinarySearch(again, Order);
                _window.Insert(index < 0 ? ~index : index, again);
            }
            else
            {
                _finishedSinceRefresh.Add(item.Id);
            }
        }
    }

    private bool ChatAllows(DueItem item, DateTimeOffset now)
    {
        if (!_chats.TryGetValue(item.ChatRef, out var bucket))
        {
            return true;
        }

        var tokens = Math.Min(ChatBurst, bucket.Tokens + ((now - bucket.LastSend).TotalSeconds * ChatRate));
        return item.Lane == Lane.Interactive
            ? tokens >= 1
            : tokens >= 2 && now - bucket.LastSend >= TimeSpan.FromSeconds(1 / ChatRate);
    }

    private ChatBucket Bucket(string chatRef, DateTimeOffset now)
    {
        if (!_chats.TryGetValue(chatRef, out var bucket))
        {
            bucket = new ChatBucket { Tokens = ChatBurst, LastSend = now };
            _chats[chatRef] = bucket;
            return bucket;
        }

        bucket.Tokens = Math.Min(ChatBurst, bucket.Tokens + ((now - bucket.LastSend).TotalSeconds * ChatRate));
        bucket.LastSend = now;
        return bucket;
    }

    private static readonly Comparer<DueItem> Order = Comparer<DueItem>.Create((a, b) =>
        a.Lane != b.Lane ? a.Lane.CompareTo(b.Lane) : a.Id.CompareTo(b.Id));

    private sealed class ChatBucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset LastSend { get; set; }
    }
}

/// <summary>A pending outbox row as the scheduler sees it (no payload: that stays encrypted in the database).</summary>
internal sealed record DueItem(long Id, string ChatRef, Lane Lane, int Attempts, DateTimeOffset NotBefore, long? BroadcastId);
