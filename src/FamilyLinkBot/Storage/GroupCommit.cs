using System.Threading.Channels;

namespace FamilyLinkBot.Storage;

/// <summary>
/// Group commit: many small writes from concurrent callers go through one writer, which applies whatever is waiting
/// in one transaction. SQLite has a single write lock and its busy handler sleeps (up to 100 ms at a time) while
/// another connection holds it, so dozens of concurrent one-row transactions form a convoy that also blocks
/// thread-pool threads; one writer committing batches keeps the lock short and uncontended.
/// A caller's task completes only after its write is committed. When a batch fails, each of its writes is tried
/// again in a transaction of its own, so one bad write fails alone.
/// </summary>
internal sealed class GroupCommit<TItem, TResult>
{
    private readonly Channel<Pending> _queue;
    private readonly Database _database;
    private readonly Func<UnitOfWork, TItem, Task<TResult>> _apply;
    private readonly Func<UnitOfWork, IEnumerable<TItem>, Task>? _prepare;
    private readonly int _maxBatch;
    private readonly int _writers;

    /// <summary>Batches written at once where writers run side by side (PostgreSQL); SQLite's one writer takes one at a time.</summary>
    internal const int SideBySideWriters = 4;

    /// <param name="prepare">
    /// Runs first in every transaction with all of its items (to take their locks in one order, which also keeps
    /// side-by-side batches from deadlocking).
    /// </param>
    public GroupCommit(Database database, Func<UnitOfWork, TItem, Task<TResult>> apply, int maxBatch = 256, Func<UnitOfWork, IEnumerable<TItem>, Task>? prepare = null)
    {
        // One claim or outcome is a few statements: on a server, a single writer would bound the writes by its round trips.
        _writers = database.Dialect.SingleWriter ? 1 : SideBySideWriters;
        _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = _writers == 1 });
        _database = database;
        _apply = apply;
        _prepare = prepare;
        _maxBatch = maxBatch;
    }

    /// <summary>Queues a write; the task completes with its result once committed, or faults with its error.</summary>
    public Task<TResult> WriteAsync(TItem item)
    {
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Done.SetException(new InvalidOperationException("The writer has stopped."));
        }

        return pending.Done.Task;
    }

    /// <summary>No more writes: <see cref="RunAsync"/> ends once the queued ones are committed.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>The writer loops; run until <see cref="Complete"/> and the queue is empty.</summary>
    public Task RunAsync() => _writers == 1 ? WriteLoopAsync() : Task.WhenAll(Enumerable.Range(0, _writers).Select(_ => Task.Run(WriteLoopAsync)));

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        var results = new List<TResult>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            results.Clear();
            try
            {
                await using (var db = await _database.BeginAsync(CancellationToken.None))
                {
                    if (_prepare is not null)
                    {
                        await _prepare(db, batch.Select(p => p.Item));
                    }

                    foreach (var pending in batch)
                    {
                        results.Add(await _apply(db, pending.Item));
                    }

                    await db.CommitAsync(CancellationToken.None);
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.SetResult(results[i]);
                }
            }
            catch (Exception) when (batch.Count > 1)
            {
                DiscardResults(results);
                foreach (var pending in batch)
                {
                    await WriteAloneAsync(pending);
                }
            }
            catch (Exception ex)
            {
                DiscardResults(results);
                batch[0].Done.SetException(ex);
            }
        }
    }

    // Results of a batch that did not commit are never handed out: any that hold keys are let go now.
    private static void DiscardResults(List<TResult> results)
    {
        foreach (var result in results)
        {
            (result as IDisposable)?.Dispose();
        }
    }

    private async Task WriteAloneAsync(Pending pending)
    {
        var results = new List<TResult>(1);
        try
        {
            await using (var db = await _database.BeginAsync(CancellationToken.None))
            {
                if (_prepare is not null)
                {
                    await _prepare(db, [pending.Item]);
                }

                results.Add(await _apply(db, pending.Item));
                await db.CommitAsync(CancellationToken.None);
            }

            pending.Done.SetResult(results[0]);
        }
        catch (Exception ex)
        {
            DiscardResults(results);
            pending.Done.SetException(ex);
        }
    }

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);
}
