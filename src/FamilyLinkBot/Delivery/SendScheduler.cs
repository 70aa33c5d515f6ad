namespace FamilyLinkBot.Delivery;

/// <summary>
/// Chooses what goes out in the next send slot: the highest-priority due item (Interactive, then Notice, then
/// Bulk) whose chat may take a message now. Replies are served round-robin over chats (each chat's next reply before
/// any chat's one after it, so when many people act at once everyone's first answer comes first); notices and bulk
/// items oldest first. It holds a bounded window of the outbox's
/// pending rows, refreshed from the database by <see cref="OutboxDispatcher"/>.
/// Per chat: one request at a time and order kept within a lane. Replies are not spaced further: a reply is often
/// 2–3 messages and Telegram tolerates such short bursts (about 1 a second with a small burst); a notice or bulk item
/// waits until 1 s has passed since the chat's last send of any lane. The spacing runs on <paramref name="clock"/>
/// (real time in the bot), apart from the item's not-before times, which come from the dispatcher's clock.
/// </summary>
internal sealed class SendScheduler(TimeProvider clock)
{
    private static readonly TimeSpan ChatGap = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly List<DueItem> _window = [];
    private readonly HashSet<long> _inFlight = [];
    private readonly HashSet<string> _busyChats = new(StringComparer.Ordinal);
    private readonly HashSet<long> _finishedSinceRefresh = [];
    private readonly Dictionary<string, long> _lastSend = new(StringComparer.Ordinal);
    // Each item in flight: its chat's last send before it (null: none known), put back if Telegram did not count it.
    private readonly Dictionary<long, long?> _sendBefore = [];
    // Replies sent to each chat since it last had none waiting: the round-robin's rounds.
    private readonly Dictionary<string, int> _served = new(StringComparer.Ordinal);

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
            // A chat not sent to for longer than the gap needs no entry: the map stays as small as the last second's sends.
            var stamp = clock.GetTimestamp();
            foreach (var chat in _lastSend.Where(c => clock.GetElapsedTime(c.Value, stamp) >= ChatGap).Select(c => c.Key).ToList())
            {
                _lastSend.Remove(chat);
            }

            if (_served.Count > 0)
            {
                var replying = _window.Where(i => i.Lane == Lane.Interactive).Select(i => i.ChatRef).ToHashSet(StringComparer.Ordinal);
                foreach (var chat in _served.Keys.Where(c => !replying.Contains(c) && !_busyChats.Contains(c)).ToList())
                {
                    _served.Remove(chat);
                }
            }
        }
    }

    /// <summary>Takes the item for the next send slot, or null (with the earliest time something may be due).</summary>
    public DueItem? Take(DateTimeOffset now)
    {
        lock (_gate)
        {
            HashSet<string>? held = null;
            var chosen = -1;
            var chosenRound = int.MaxValue;
            for (var i = 0; i < _window.Count; i++)
            {
                var item = _window[i];
                if (chosen >= 0 && item.Lane != Lane.Interactive)
                {
                    break; // a reply goes before any notice or bulk item
                }

                if (held?.Contains(item.ChatRef) == true)
                {
                    continue;
                }

                // Whatever happens to it, the chat's later items wait behind this one: per-chat order.
                (held ??= new HashSet<string>(StringComparer.Ordinal)).Add(item.ChatRef);
                if (item.NotBefore > now || _busyChats.Contains(item.ChatRef) || !ChatAllows(item))
                {
                    continue;
                }

                if (item.Lane != Lane.Interactive)
                {
                    chosen = i;
                    break;
                }

                // Replies: round-robin over chats, so each chat's next message goes before any chat's one after it.
                var round = _served.GetValueOrDefault(item.ChatRef);
                if (round < chosenRound)
                {
                    (chosen, chosenRound) = (i, round);
                    if (round == 0)
                    {
                        break;
                    }
                }
            }

            if (chosen < 0)
            {
                return null;
            }

            var taken = _window[chosen];
            _window.RemoveAt(chosen);
            _inFlight.Add(taken.Id);
            _busyChats.Add(taken.ChatRef);
            _sendBefore[taken.Id] = _lastSend.TryGetValue(taken.ChatRef, out var before) ? before : null;
            _lastSend[taken.ChatRef] = clock.GetTimestamp();
            if (taken.Lane == Lane.Interactive)
            {
                _served[taken.ChatRef] = _served.GetValueOrDefault(taken.ChatRef) + 1;
            }

            return taken;
        }
    }

    /// <summary>The item got its slot of the global rate and goes out now: the chat's spacing counts from here.</summary>
    public void Started(DueItem item)
    {
        lock (_gate)
        {
            _lastSend[item.ChatRef] = clock.GetTimestamp();
        }
    }

    /// <summary>
    /// A gateway answered for Telegram, which never saw the item's request: the chat's spacing does not count it
    /// either, so a retry waits only for its back-off (docs/SEND-RATE.md).
    /// </summary>
    public void NotCounted(DueItem item)
    {
        lock (_gate)
        {
            if (_sendBefore.Remove(item.Id, out var before))
            {
                if (before is { } stamp)
                {
                    _lastSend[item.ChatRef] = stamp;
                }
                else
                {
                    _lastSend.Remove(item.ChatRef);
                }
            }
        }
    }

    /// <summary>The send is over. An item to try again goes back into the window, keeping its chat's order.</summary>
    public void Finished(DueItem item, DateTimeOffset? retryAt)
    {
        lock (_gate)
        {
            _inFlight.Remove(item.Id);
            _sendBefore.Remove(item.Id);
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
                ForgetRoundIfIdle(item.ChatRef);
            }
        }
    }

    /// <summary>A chat with no reply waiting starts again at round 0: its next reply is a first answer.</summary>
    private void ForgetRoundIfIdle(string chatRef)
    {
        if (_served.ContainsKey(chatRef)
            && !_busyChats.Contains(chatRef)
            && !_window.Exists(i => i.Lane == Lane.Interactive && string.Equals(i.ChatRef, chatRef, StringComparison.Ordinal)))
        {
            _served.Remove(chatRef);
        }
    }

    private bool ChatAllows(DueItem item) =>
        item.Lane == Lane.Interactive
        || !_lastSend.TryGetValue(item.ChatRef, out var last)
        || clock.GetElapsedTime(last) >= ChatGap;

    private static readonly Comparer<DueItem> Order = Comparer<DueItem>.Create((a, b) =>
        a.Lane != b.Lane ? a.Lane.CompareTo(b.Lane) : a.Id.CompareTo(b.Id));
}

/// <summary>A pending outbox row as the scheduler sees it (no payload: that stays encrypted in the database).</summary>
/// <param name="Relayed">Queued with a source (<see cref="OutboxStore.EnqueueRelayedAsync"/>): a relayed copy, whose sent id <see cref="ISentMessageListener"/>s record.</param>
internal sealed record DueItem(long Id, string ChatRef, Lane Lane, int Attempts, DateTimeOffset NotBefore, long? BroadcastId, bool Relayed = false);
