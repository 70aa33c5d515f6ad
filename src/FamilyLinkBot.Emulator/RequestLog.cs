namespace FamilyLinkBot.Testing;

// Every answered request, newest last, capped so a long soak run cannot eat memory.
internal sealed class RequestLog(int? limit, ChangeSignal changed)
{
    private readonly Lock _gate = new();
    private readonly Queue<RecordedRequest> _requests = new();
    private int _count429;
    private int _count502;

    public int Count429 => Volatile.Read(ref _count429);

    public int Count502 => Volatile.Read(ref _count502);

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            return [.. _requests];
        }
    }

    public IReadOnlyList<RecordedRequest> Recent(int count)
    {
        lock (_gate)
        {
            return [.. _requests.Skip(Math.Max(0, _requests.Count - count))];
        }
    }

    public void Add(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Enqueue(request);
            while (limit is { } max && _requests.Count > max)
            {
                _requests.Dequeue();
            }

            if (request.StatusCode == 429)
            {
                _count429++;
            }

            if (request.StatusCode == 502)
            {
                _count502++;
            }
        }

        changed.Notify();
    }
}
