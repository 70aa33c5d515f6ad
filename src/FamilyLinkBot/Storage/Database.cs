using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Storage;

/// <summary>
/// Opens connections to the bot's SQLite file with the settings every connection needs:
/// WAL (set once by <see cref="Migrator"/>), a busy timeout, foreign keys, and secure_delete
/// so erased rows are overwritten rather than left in free pages (docs/DESIGN.md#5-erasure-and-retention).
/// </summary>
public sealed class Database : IDisposable
{
    private const string ConnectionPragmas =
        "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = NORMAL;";

    private static readonly TimeSpan WriterWait = TimeSpan.FromSeconds(10); // as long as busy_timeout

    private readonly string _connectionString;

    // SQLite has one write lock, and its busy handler polls for it with sleeps of up to 100 ms. Writers of this
    // process queue here instead, in order and without sleeping; other processes still meet busy_timeout.
    private readonly SemaphoreSlim _writer = new(1, 1);
    private bool _directoryReady;

    public Database(IOptions<StorageOptions> options)
        : this(options.Value.ConnectionString)
    {
    }

    public Database(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            throw new InvalidOperationException("Storage:ConnectionString is not a valid SQLite connection string.");
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new InvalidOperationException("Storage:ConnectionString must name a database file (Data Source=path).");
        }

        FilePath = Path.GetFullPath(builder.DataSource);
        builder.DataSource = FilePath;
        builder.Pooling = true;
        builder.DefaultTimeout = 30;
        _connectionString = builder.ToString();
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>Whether the connection string names a database file (checked with the options, so a bad one is a configuration error).</summary>
    public static bool IsUsable(string connectionString)
    {
        try
        {
            _ = new Database(connectionString);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>How often a checkpoint blocked by a reader is tried before <see cref="CheckpointAsync"/> gives up.</summary>
    internal int CheckpointAttempts { get; init; } = 3;

    /// <summary>The full path of the database file; the WAL lives beside it as <c>-wal</c>.</summary>
    public string FilePath { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (!_directoryReady)
        {
            PrepareFiles();
            _directoryReady = true;
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = ConnectionPragmas;
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Owner-only files (issue 13): a data folder it creates gets mode 0700, and the database is created 0600 before SQLite
    /// opens it, so the WAL and shared-memory files SQLite makes beside it get 0600 too (it copies the database's mode).
    /// An existing database, WAL or SHM that others could read is narrowed to 0600. A folder that already exists is left
    /// as it is: it may be the operator's working directory.
    /// </summary>
    private void PrepareFiles()
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (OperatingSystem.IsWindows())
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            return;
        }

        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnlyFolder);
        }

        if (!File.Exists(FilePath))
        {
            try
            {
                // An empty file is an empty SQLite database.
                using var created = new FileStream(FilePath, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = OwnerOnlyFile,
                });
            }
            catch (IOException) when (File.Exists(FilePath))
            {
                // Created by another process at the same moment: narrowed below like any existing file.
            }
        }

        foreach (var path in new[] { FilePath, FilePath + "-wal", FilePath + "-shm", FilePath + "-journal" })
        {
            if (File.Exists(path) && (File.GetUnixFileMode(path) & ~OwnerOnlyFile) != 0)
            {
                File.SetUnixFileMode(path, OwnerOnlyFile);
            }
        }
    }

    internal const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    internal const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Opens a connection and begins an immediate (write-locking) transaction on it.</summary>
    public async Task<UnitOfWork> BeginAsync(CancellationToken cancellationToken = default)
    {
        if (!await _writer.WaitAsync(WriterWait, cancellationToken))
        {
            throw new TimeoutException("The database stayed busy with another write for too long.");
        }

        SqliteConnection? connection = null;
        try
        {
            connection = await OpenAsync(cancellationToken);
            // BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock on upgrade.
            var transaction = connection.BeginTransaction(deferred: false);
            return new UnitOfWork(connection, transaction, () => _writer.Release());
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            _writer.Release();
            throw;
        }
    }

    /// <summary>
    /// Moves the WAL's content into the main file and truncates the log (used after erasure). A reader still on an older
    /// snapshot blocks it; it is tried <see cref="CheckpointAttempts"/> times. Returns false when it stayed blocked: then
    /// erased pages may remain in the log until a later checkpoint, which the caller logs (without ids).
    /// </summary>
    public async Task<bool> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using (var connection = await OpenAsync(cancellationToken))
            await using (var command = connection.CreateCommand())
            {
                // The busy handler waits for readers up to this long per attempt (OpenAsync sets it again for the next user).
                command.CommandText = "PRAGMA busy_timeout = 2000;";
                await command.ExecuteNonQueryAsync(cancellationToken);

                // One row: busy (1 when a reader or writer kept it from finishing), log frames, checkpointed frames.
                command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken) || reader.GetInt64(0) == 0)
                {
                    return true;
                }
            }

            if (attempt >= CheckpointAttempts)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
        }
    }
}
