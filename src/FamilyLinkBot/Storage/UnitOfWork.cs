using Microsoft.Data.Sqlite;

namespace FamilyLinkBot.Storage;

/// <summary>One connection with one open transaction; disposing without <see cref="CommitAsync"/> rolls back.</summary>
public sealed class UnitOfWork : IAsyncDisposable
{
    private Action? _release;

    internal UnitOfWork(SqliteConnection connection, SqliteTransaction transaction, Action? release = null)
    {
        Connection = connection;
        Transaction = transaction;
        _release = release;
    }

    public SqliteConnection Connection { get; }

    public SqliteTransaction Transaction { get; }

    public SqliteCommand Command(string sql)
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
