using System.Data.Common;

namespace FamilyLinkBot.Storage;

/// <summary>One connection with one open transaction; disposing without <see cref="CommitAsync"/> rolls back.</summary>
public sealed class UnitOfWork : IAsyncDisposable
{
    private Action? _release;
    private Dictionary<object, (object State, Func<UnitOfWork, object, CancellationToken, Task> Flush)>? _beforeCommit;

    internal UnitOfWork(SqlDialect dialect, DbConnection connection, DbTransaction transaction, Action? release = null)
    {
        Dialect = dialect;
        Connection = connection;
        Transaction = transaction;
        _release = release;
    }

    /// <summary>The engine's spellings, for the few statements that differ between engines.</summary>
    public SqlDialect Dialect { get; }

    public DbConnection Connection { get; }

    public DbTransaction Transaction { get; }

    public DbCommand Command(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>
    /// State gathered over the transaction under <paramref name="key"/> (made by <paramref name="create"/> on first use)
    /// and written by <paramref name="flush"/> just before the commit: for writes that many statements of one transaction
    /// add to, such as counters, so that they are written once, as late as possible (a row lock taken then is held only
    /// over the commit). A transaction that rolls back drops it.
    /// </summary>
    /// <summary>
    /// Chats (by row id) whose per-chat lock this transaction holds (docs/DESIGN.md#12-scale-out), so that it is not
    /// asked for again; forgotten when a savepoint rolls back, since that may let go of locks taken after it.
    /// </summary>
    internal HashSet<string> LockedChatRefs { get; } = new(StringComparer.Ordinal);

    /// <summary>Rolls back to <paramref name="savepoint"/> (see <see cref="LockedChatRefs"/>).</summary>
    public Task RollbackToAsync(string savepoint, CancellationToken cancellationToken)
    {
        LockedChatRefs.Clear();
        return Transaction.RollbackAsync(savepoint, cancellationToken);
    }

    public TState BeforeCommit<TState>(object key, Func<TState> create, Func<UnitOfWork, TState, CancellationToken, Task> flush)
        where TState : class
    {
        _beforeCommit ??= [];
        if (_beforeCommit.TryGetValue(key, out var known))
        {
            return (TState)known.State;
        }

        var state = create();
        _beforeCommit[key] = (state, (db, s, ct) => flush(db, (TState)s, ct));
        return state;
    }

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_beforeCommit is { Count: > 0 } pending)
        {
            _beforeCommit = null;
            foreach (var (state, flush) in pending.Values)
            {
                await flush(this, state, cancellationToken);
            }
        }

        await Transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        finally
        {
            Interlocked.Exchange(ref _release, null)?.Invoke();
        }
    }
}
