using System.Data.Common;

namespace FamilyLinkBot.Storage;

/// <summary>One connection with one open transaction; disposing without <see cref="CommitAsync"/> rolls back.</summary>
public sealed class UnitOfWork : IAsyncDisposable
{
    private Action? _release;

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

    public Task CommitAsync(CancellationToken cancellationToken = default) => Transaction.CommitAsync(cancellationToken);

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
