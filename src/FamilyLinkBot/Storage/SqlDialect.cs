using System.Data.Common;

namespace FamilyLinkBot.Storage;

/// <summary>
/// What differs between the database engines the bot runs on, in one small class per engine
/// (docs/DESIGN.md#12-scale-out): how a connection is made and prepared, how a writing transaction begins, where
/// the schema version is kept, which migrations apply, and the few SQL spellings
/// that are not common to both. Repositories speak <see cref="DbConnection"/> and <see cref="DbCommand"/> with
/// <c>@name</c> parameters, and ask this class for anything else.
/// </summary>
public abstract class SqlDialect : IDisposable
{
    /// <summary>Releases the engine's connection pool, if it keeps one of its own.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>The engine's name, for messages: "SQLite" or "PostgreSQL".</summary>
    public abstract string Engine { get; }

    /// <summary>Where the data lives, for an operator's eyes (a file path, or host and database); never a password.</summary>
    public abstract string Location { get; }

    /// <summary>The folder of embedded migrations: Storage/Migrations/&lt;folder&gt;/NNNN_name.sql.</summary>
    public abstract string MigrationFolder { get; }

    /// <summary>
    /// Whether writers of this process must queue for one write lock (SQLite has a single writer and its busy handler
    /// sleeps); engines with row locks let writers run side by side.
    /// </summary>
    public abstract bool SingleWriter { get; }

    /// <summary>Whether several processes may share this database at once (docs/DESIGN.md#12-scale-out).</summary>
    public abstract bool SharedByInstances { get; }

    /// <summary>A new, closed connection.</summary>
    public abstract DbConnection CreateConnection();

    /// <summary>Called once before the first connection opens (SQLite narrows its files' modes here).</summary>
    public virtual void PrepareStorage()
    {
    }

    /// <summary>Settings every connection needs, applied right after it opens.</summary>
    public virtual Task ConfigureAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Begins a transaction that will write.</summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Begins a transaction that only reads, on one consistent snapshot, and never takes a write lock.</summary>
    public abstract ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Prepares the schema-version bookkeeping and returns the version the database is at (0 = empty).</summary>
    public abstract Task<int> SchemaVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken);

    /// <summary>The statement that records <paramref name="version"/> as applied, run in the migration's transaction.</summary>
    public abstract string RecordSchemaVersionSql(int version);

    /// <summary>Run once before migrating (SQLite switches to WAL); inside the migration transaction when the engine needs a lock.</summary>
    public virtual Task BeforeMigrationsAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Takes whatever lock keeps two processes from migrating the same database at once, inside <paramref name="transaction"/>.</summary>
    public virtual Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Takes the per-chat locks of these chats (by blind index), in one fixed order, until the transaction ends: the
    /// updates of one chat, and the recording of what was sent to it, then never interleave, whichever process runs
    /// them (docs/DESIGN.md#12-scale-out). SQLite's single writer gives this already.
    /// </summary>
    public virtual Task LockChatsAsync(UnitOfWork db, IEnumerable<byte[]> chatIndexes, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The same per-chat locks as <see cref="LockChatsAsync"/>, in the same order, for chats known by their row ids.</summary>
    public virtual Task LockChatsByRefAsync(UnitOfWork db, IEnumerable<string> chatRefs, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The same per-chat lock as <see cref="LockChatsAsync"/>, for a chat known by its row id.</summary>
    public Task LockChatAsync(UnitOfWork db, string chatRef, CancellationToken cancellationToken) => LockChatsByRefAsync(db, [chatRef], cancellationToken);

    /// <summary>
    /// Takes the lock <paramref name="name"/>, which one process at a time may hold against this database, until it is
    /// disposed or the process dies; null when another process holds it (docs/DESIGN.md#12-scale-out).
    /// </summary>
    public abstract Task<HeldLock?> TryHoldAsync(string name, CancellationToken cancellationToken);

    /// <summary>Takes the lock <paramref name="name"/> until the transaction ends (SQLite's single writer holds every lock already).</summary>
    public virtual Task LockAsync(UnitOfWork db, string name, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The database server's clock in unix milliseconds, as an SQL expression (one clock for every instance).</summary>
    public abstract string NowMilliseconds { get; }

    /// <summary>A zero-length blob literal (a placeholder for a payload written once its row id is known).</summary>
    public abstract string EmptyBlob { get; }

    /// <summary>A sub-query yielding the text values of the JSON array in parameter <paramref name="parameter"/>.</summary>
    public abstract string JsonArrayValues(string parameter);

    /// <summary>A blob of zero bytes as long as the blob expression <paramref name="blob"/> (to overwrite a key before deleting its row).</summary>
    public abstract string ZeroesLike(string blob);

    /// <summary>The text a blob expression holds as UTF-8.</summary>
    public abstract string BlobAsText(string blob);

    /// <summary>The larger of two SQL expressions.</summary>
    public abstract string Greatest(string left, string right);

    /// <summary>The row-locking clause of a claim (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>); empty where one writer runs.</summary>
    public virtual string ForUpdateSkipLocked => "";

    /// <summary>
    /// After erasure: makes sure erased rows are gone from the files the engine keeps (SQLite: truncate the WAL).
    /// Returns false when a reader kept it from finishing.
    /// </summary>
    public virtual Task<bool> FlushErasedAsync(Func<CancellationToken, Task<DbConnection>> open, CancellationToken cancellationToken) =>
        Task.FromResult(true);

    /// <summary>Closes pooled connections (before the files are moved or deleted).</summary>
    public abstract void ClearPools();

    /// <summary>
    /// A connection for <c>check</c>, which never creates or migrates: null when the database does not exist yet.
    /// </summary>
    public abstract Task<DbConnection?> OpenExistingForCheckAsync(CancellationToken cancellationToken);

    /// <summary>The engine's own integrity check for <c>check</c>: null when fine, or what it found.</summary>
    public virtual Task<string?> IntegrityProblemAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    /// <summary>The error of this engine as one line without data: its code, never its message (which may quote values).</summary>
    public abstract string? DescribeError(Exception exception);

    /// <summary>
    /// Whether the transaction failed only because another ran beside it (a deadlock the server broke, or a
    /// serialization failure): the whole transaction may be run again. Never true on SQLite, whose one writer waits.
    /// </summary>
    public virtual bool IsRetryable(Exception exception) => false;
}

/// <summary>A lock held by this process against the database (<see cref="SqlDialect.TryHoldAsync"/>).</summary>
public abstract class HeldLock : IAsyncDisposable
{
    /// <summary>Whether the lock is still this process's (a lost connection to the server loses it).</summary>
    public abstract Task<bool> StillHeldAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}
