using System.Data.Common;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Storage;

/// <summary>
/// Opens connections and writing transactions on the configured engine (<see cref="SqlDialect"/>): SQLite by default,
/// PostgreSQL when <c>Storage:Provider</c> says so (docs/DESIGN.md#12-scale-out).
/// </summary>
public sealed class Database : IDisposable
{
    private static readonly TimeSpan WriterWait = TimeSpan.FromSeconds(10); // as long as SQLite's busy_timeout

    // SQLite has one write lock, and its busy handler polls for it with sleeps of up to 100 ms. Writers of this
    // process queue here instead, in order and without sleeping; other processes still meet busy_timeout.
    private readonly SemaphoreSlim? _writer;
    private int _prepared;

    public Database(IOptions<StorageOptions> options)
        : this(options.Value.CreateDialect())
    {
    }

    /// <summary>An SQLite database (the default engine) from its connection string.</summary>
    public Database(string sqliteConnectionString)
        : this(new SqliteDialect(sqliteConnectionString))
    {
    }

    public Database(SqlDialect dialect)
    {
        Dialect = dialect;
        _writer = dialect.SingleWriter ? new SemaphoreSlim(1, 1) : null;
    }

    public SqlDialect Dialect { get; }

    /// <summary>The SQLite file (SQLite only): the WAL lives beside it as <c>-wal</c>.</summary>
    public string FilePath => (Dialect as SqliteDialect)?.FilePath
        ?? throw new InvalidOperationException("The database is not an SQLite file.");

    public void Dispose()
    {
        _writer?.Dispose();
        Dialect.Dispose();
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _prepared, 1) == 0)
        {
            Dialect.PrepareStorage();
        }

        var connection = Dialect.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            await Dialect.ConfigureAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a connection and begins a writing transaction on it.</summary>
    public async Task<UnitOfWork> BeginAsync(CancellationToken cancellationToken = default)
    {
        if (_writer is not null && !await _writer.WaitAsync(WriterWait, cancellationToken))
        {
            throw new TimeoutException("The database stayed busy with another write for too long.");
        }

        DbConnection? connection = null;
        try
        {
            connection = await OpenAsync(cancellationToken);
            var transaction = await Dialect.BeginWriteAsync(connection, cancellationToken);
            return new UnitOfWork(Dialect, connection, transaction, _writer is null ? null : () => _writer.Release());
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            _writer?.Release();
            throw;
        }
    }

    /// <summary>A transaction that only reads, on one snapshot, never queued behind writers; dispose it when done.</summary>
    public async Task<UnitOfWork> ReadAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            return new UnitOfWork(Dialect, connection, await Dialect.BeginReadAsync(connection, cancellationToken));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// After erasure: moves what the engine still keeps of erased rows out of its files (SQLite: the WAL's content into
    /// the main file, then truncates the log). False when a reader kept it from finishing; the caller logs that
    /// (without ids).
    /// </summary>
    public Task<bool> CheckpointAsync(CancellationToken cancellationToken = default) =>
        Dialect.FlushErasedAsync(OpenAsync, cancellationToken);
}
