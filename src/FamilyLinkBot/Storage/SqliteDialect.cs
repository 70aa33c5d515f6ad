using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FamilyLinkBot.Storage;

/// <summary>
/// SQLite, the default engine: one file under data/, nothing to install. WAL, a busy timeout, foreign keys, and
/// secure_delete so erased rows are overwritten rather than left in free pages (docs/DESIGN.md#5-erasure-and-retention);
/// the schema version in <c>user_version</c>; one writer at a time (BEGIN IMMEDIATE).
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    private const string ConnectionPragmas =
        "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = NORMAL;";

    private readonly string _connectionString;

    public SqliteDialect(string connectionString)
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

    /// <summary>The full path of the database file; the WAL lives beside it as <c>-wal</c>.</summary>
    public string FilePath { get; }

    /// <summary>How often a checkpoint blocked by a reader is tried before <see cref="FlushErasedAsync"/> gives up.</summary>
    internal int CheckpointAttempts { get; init; } = 3;

    public override string Engine => "SQLite";

    public override string Location => FilePath;

    public override string MigrationFolder => "Sqlite";

    public override bool SingleWriter => true;

    public override bool SharedByInstances => false;

    internal const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    internal const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Whether the connection string names a database file (checked with the options, so a bad one is a configuration error).</summary>
    public static bool IsUsable(string connectionString)
    {
        try
        {
            _ = new SqliteDialect(connectionString);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public override async Task ConfigureAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = ConnectionPragmas;
        await pragma.ExecuteNonQueryAsync(cancellationToken);
    }

    // BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock on upgrade.
    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    // A deferred transaction reads one snapshot and never takes the write lock.
    public override ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public override async Task<int> SchemaVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public override string RecordSchemaVersionSql(int version) => $"PRAGMA user_version = {version.ToString(CultureInfo.InvariantCulture)};";

    public override async Task BeforeMigrationsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A lock file beside the database, opened exclusively: the operating system lets go of it when the process ends,
    /// however it ends.
    /// </summary>
    public override Task<HeldLock?> TryHoldAsync(string name, CancellationToken cancellationToken)
    {
        PrepareStorage();
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnlyFile;
            }

            var file = new FileStream(FilePath + "." + name + ".lock", options);
            return Task.FromResult<HeldLock?>(new FileLock(file));
        }
        catch (IOException)
        {
            return Task.FromResult<HeldLock?>(null);
        }
    }

    private sealed class FileLock(FileStream file) : HeldLock
    {
        public override Task<bool> StillHeldAsync(CancellationToken cancellationToken) => Task.FromResult(true);

        public override ValueTask DisposeAsync() => file.DisposeAsync();
    }

    public override string NowMilliseconds => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    public override string EmptyBlob => "x''";

    public override string JsonArrayValues(string parameter) => $"SELECT value FROM json_each({parameter})";

    public override string ZeroesLike(string blob) => $"zeroblob(length({blob}))";

    public override string BlobAsText(string blob) => $"CAST({blob} AS TEXT)";

    public override string Greatest(string left, string right) => $"max({left}, {right})";

    /// <summary>
    /// Moves the WAL's content into the main file and truncates the log. A reader still on an older snapshot blocks it;
    /// it is tried <see cref="CheckpointAttempts"/> times. False when it stayed blocked: erased pages may then remain in
    /// the log until a later checkpoint.
    /// </summary>
    public override async Task<bool> FlushErasedAsync(Func<CancellationToken, Task<DbConnection>> open, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using (var connection = await open(cancellationToken))
            await using (var command = connection.CreateCommand())
            {
                // The busy handler waits for readers up to this long per attempt (ConfigureAsync sets it again for the next user).
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

    public override void ClearPools() => SqliteConnection.ClearAllPools();

    public override async Task<DbConnection?> OpenExistingForCheckAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        var readOnly = new SqliteConnectionStringBuilder { DataSource = FilePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        var connection = new SqliteConnection(readOnly);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public override async Task<string?> IntegrityProblemAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA quick_check;";
        var result = await command.ExecuteScalarAsync(cancellationToken) as string;
        return result == "ok" ? null : result ?? "quick_check returned nothing";
    }

    public override string? DescribeError(Exception exception) =>
        exception is SqliteException sqlite ? "SQLite error " + sqlite.SqliteErrorCode.ToString(CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// Owner-only files: a data folder it creates gets mode 0700, and the database is created 0600 before SQLite opens
    /// it, so the WAL and shared-memory files SQLite makes beside it get 0600 too (it copies the database's mode). An
    /// existing database, WAL or SHM that others could read is narrowed to 0600. A folder that already exists is left
    /// as it is: it may be the operator's working directory.
    /// </summary>
    public override void PrepareStorage()
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
}
