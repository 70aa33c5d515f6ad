using System.Text.Json;
using System.Text.Json.Nodes;

namespace FamilyLinkBot.Testing;

// getUpdates as Telegram implements it: an update stays until a call with offset > its id confirms it;
// at most `limit` come back, oldest first; a long poll returns as soon as one arrives; a newer
// getUpdates ends an older one still waiting with 409; allowed_updates persists between calls.
internal sealed class UpdateQueue(int firstUpdateId, ChangeSignal changed)
{
    private const int HistoryLimit = 10_000;

    // Telegram leaves these out unless allowed_updates names them.
    private static readonly HashSet<string> OptInTypes = ["chat_member", "message_reaction", "message_reaction_count"];

    private readonly Lock _gate = new();
    private readonly ChangeSignal _arrived = new();
    private readonly List<QueuedUpdate> _pending = [];
    private readonly List<QueuedUpdate> _redelivered = [];
    private readonly Dictionary<int, QueuedUpdate> _history = [];
    private readonly Queue<int> _historyOrder = new();
    private HashSet<string>? _allowed;
    private int _nextId = firstUpdateId;
    private LongPoll? _activePoll;

    public int NextId
    {
        get
        {
            lock (_gate)
            {
                return _nextId;
            }
        }
    }

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count + _redelivered.Count;
            }
        }
    }

    public int Enqueue(string type, Func<int, string> json)
    {
        int id;
        lock (_gate)
        {
            id = _nextId++;
            Add(new QueuedUpdate(id, type, json(id)));
        }

        _arrived.Notify();
        return id;
    }

    public int EnqueueRaw(string json, string paramName)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw Error.NotJson(paramName, e);
        }

        int id;
        lock (_gate)
        {
            if (node is JsonObject update)
            {
                if (update["update_id"] is JsonValue given && given.TryGetValue<int>(out var givenId))
                {
                    id = givenId;
                    _nextId = Math.Max(_nextId, id + 1);
                }
                else
                {
                    id = _nextId++;
                    update["update_id"] = id;
                    json = update.ToJsonString();
                }

                var type = update.Select(p => p.Key).FirstOrDefault(k => k != "update_id") ?? "";
                Add(new QueuedUpdate(id, type, json));
            }
            else
            {
                id = _nextId++;
                Add(new QueuedUpdate(id, "", json));
            }
        }

        _arrived.Notify();
        return id;
    }

    public void Redeliver(int updateId, string paramName)
    {
        lock (_gate)
        {
            if (!_history.TryGetValue(updateId, out var update))
            {
                throw Error.UnknownUpdate(paramName);
            }

            _pending.Remove(update);
            if (!_redelivered.Contains(update))
            {
                _redelivered.Add(update);
            }

            update.Delivered = false;
            update.Confirmed = false;
        }

        _arrived.Notify();
    }

    public bool IsDelivered(int updateId)
    {
        lock (_gate)
        {
            return !_history.TryGetValue(updateId, out var update) || update.Delivered || update.Confirmed;
        }
    }

    public bool IsConfirmed(int updateId)
    {
        lock (_gate)
        {
            return !_history.TryGetValue(updateId, out var update) || update.Confirmed;
        }
    }

    public void DropPending()
    {
        lock (_gate)
        {
            foreach (var update in _pending.Concat(_redelivered))
            {
                update.Confirmed = true;
            }

            _pending.Clear();
            _redelivered.Clear();
        }
    }

    // Returns the JSON array of updates for one getUpdates call.
    public async Task<string> GetUpdatesAsync(
        int offset,
        int limit,
        TimeSpan timeout,
        IReadOnlyCollection<string>? allowedUpdates,
        CancellationToken requestAborted,
        CancellationToken shutdown)
    {
        var poll = new LongPoll();
        lock (_gate)
        {
            _activePoll?.Terminate();
            _activePoll = poll;
            if (allowedUpdates is not null)
            {
                _allowed = allowedUpdates.Count == 0 ? null : [.. allowedUpdates];
            }

            Confirm(offset);
        }

        changed.Notify(); // a confirmation is news to whoever waits for "the bot has taken this update"

        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, shutdown);
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                var arrived = _arrived.Current;
                lock (_gate)
                {
                    if (poll.IsTerminated)
                    {
                        throw Error.TerminatedByOtherGetUpdates();
                    }

                    var batch = Take(limit);
                    if (batch.Count > 0 || DateTime.UtcNow >= deadline || shutdown.IsCancellationRequested)
                    {
                        return "[" + string.Join(",", batch.Select(u => u.Json)) + "]";
                    }
                }

                try
                {
                    // Long polls wait in real time, so a test's FakeTimeProvider cannot stall the bot's HTTP client.
                    var remaining = deadline - DateTime.UtcNow;
                    await Task.WhenAny(arrived, poll.Terminated)
                        .WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, stop.Token);
                }
                catch (TimeoutException)
                {
                    // Deadline reached: the next turn answers with whatever is there (usually nothing).
                }
                catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
                {
                    // Emulator stopping: answer with an empty batch on the next turn.
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                if (_activePoll == poll)
                {
                    _activePoll = null;
                }
            }
        }
    }

    private void Add(QueuedUpdate update)
    {
        var index = _pending.FindLastIndex(u => u.Id <= update.Id) + 1;
        _pending.Insert(index, update);
        _history[update.Id] = update;
        _historyOrder.Enqueue(update.Id);
        while (_historyOrder.Count > HistoryLimit)
        {
            var old = _historyOrder.Dequeue();
            if (_history.TryGetValue(old, out var stale) && stale.Confirmed)
            {
                _history.Remove(old);
            }
        }
    }

    private void Confirm(int offset)
    {
        if (offset > 0)
        {
            ConfirmWhere(_pending, u => u.Id < offset);
            ConfirmWhere(_redelivered, u => u.Delivered && u.Id < offset);
        }
        else if (offset < 0 && _pending.Count > -offset)
        {
            // A negative offset keeps only the last -offset updates and forgets the rest.
            var cutoff = _pending[^-offset].Id;
            ConfirmWhere(_pending, u => u.Id < cutoff);
        }
    }

    private List<QueuedUpdate> Take(int limit)
    {
        ConfirmWhere(_pending, u => !IsAllowed(u.Type));
        var batch = _redelivered.Concat(_pending).OrderBy(u => u.Id).Take(limit).ToList();
        foreach (var update in batch)
        {
            update.Delivered = true;
        }

        return batch;
    }

    private bool IsAllowed(string type) =>
        type.Length == 0 || (_allowed is null ? !OptInTypes.Contains(type) : _allowed.Contains(type));

    private static void ConfirmWhere(List<QueuedUpdate> updates, Predicate<QueuedUpdate> match)
    {
        foreach (var update in updates.Where(u => match(u)))
        {
            update.Confirmed = true;
        }

        updates.RemoveAll(match);
    }

    private sealed class LongPoll
    {
        private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Terminated => _terminated.Task;

        public bool IsTerminated => _terminated.Task.IsCompleted;

        public void Terminate() => _terminated.TrySetResult();
    }
}
