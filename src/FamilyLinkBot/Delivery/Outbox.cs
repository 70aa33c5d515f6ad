namespace FamilyLinkBot.Delivery;

/// <summary>
/// The dispatcher's doorbell: whoever wrote rows through <see cref="OutboxStore"/> rings it after commit, and a
/// finished send rings it so the chat's next item may go.
/// </summary>
public sealed class Outbox : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0);
    private int _newWork;

    /// <summary>Tells the dispatcher there is work; call after the transaction that enqueued it commits.</summary>
    public void Wake()
    {
        Interlocked.Exchange(ref _newWork, 1);
        Nudge();
    }

    /// <summary>Wakes the dispatcher without new rows to read (a send finished: the chat's next item may go).</summary>
    internal void Nudge()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    public void Dispose() => _signal.Dispose();

    /// <summary>True (once) when work was announced since the last look.</summary>
    public bool TakeSignal() => Interlocked.Exchange(ref _newWork, 0) == 1;

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
