namespace FamilyLinkBot.Testing;

// Wakes every waiter when the emulator's state changes (a request answered, an update queued).
// Waiters take `Current` before checking their condition, so no change between check and wait is missed.
internal sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Current => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))
            .TrySetResult();

    // True once `condition` holds; false if `timeout` (real time) passes first.
    public async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var changed = Current;
            if (condition())
            {
                return true;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await changed.WaitAsync(remaining, ct);
            }
            catch (TimeoutException)
            {
                // One last look at the condition on the next turn.
            }
        }
    }
}
