using System.Data;
using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace FamilyLinkBot.Storage;

/// <summary>
/// PostgreSQL, for deployments that want a managed or replicated server and several instances
/// (docs/DESIGN.md#12-scale-out). Writers run side by side under row locks; the schema version is kept in
/// <c>schema_version</c>; migrations run under an advisory lock so that instances starting together migrate once.
/// </summary>
public sealed class PostgreSqlDialect : SqlDialect
{
    // pg_advisory_xact_lock keys of this program: one 64-bit number per purpose ("FLB" + a small tag).
    internal const long MigrationLockKey = 0x464C42_0001;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _location;

    public PostgreSqlDialect(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new InvalidOperationException("Storage:ConnectionString is not a valid PostgreSQL (Npgsql) connection string.");
        }

        if (string.IsNullOrWhiteSpace(builder.Host) || string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new InvalidOperationException("Storage:ConnectionString must name Host and Database for PostgreSQL (Host=…;Database=…;Username=…;Password=…).");
        }

        _location = $"PostgreSQL database {builder.Database} on {builder.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}";
        // Every statement of this program is one of a few hundred fixed texts: prepared once per pooled connection, the
        // server parses and plans each only once. The program keeps no session state on a pooled connection (advisory
        // session locks live on a connection of their own and are let go before it returns), so the reset round
        // (DISCARD ALL, which would also drop the prepared statements) is left out. An operator's own setting wins.
        // (A plain builder: Npgsql's own says it contains every keyword it knows.)
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 128;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        _dataSource = NpgsqlDataSource.Create(builder);
        ConnectionString = builder.ConnectionString;
    }

    internal string ConnectionString { get; }

    public override string Engine => "PostgreSQL";

    public override string Location => _location;

    public override string MigrationFolder => "PostgreSQL";

    public override bool SingleWriter => false;

    public override bool SharedByInstances => true;

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    public override async ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    public override async Task<int> SchemaVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT to_regclass('schema_version') IS NOT NULL;";
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            return 0;
        }

        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public override async Task BeforeMigrationsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Under the migration lock: two instances starting at once must not both create the table.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockForMigrationAsync(connection, transaction, cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public override string RecordSchemaVersionSql(int version) =>
        $"DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES ({version.ToString(CultureInfo.InvariantCulture)});";

    public override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_advisory_xact_lock({MigrationLockKey.ToString(CultureInfo.InvariantCulture)});";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override string EmptyBlob => "'\\x'::bytea";

    public override string JsonArrayValues(string parameter) => $"SELECT jsonb_array_elements_text(CAST({parameter} AS jsonb))";

    // The lock key is a 64-bit hash of the hex of the chat's blind index (already stored, so it reveals nothing more);
    // a collision only makes two chats wait for each other. Both methods below must compute it the same way.
    public override async Task LockChatsAsync(UnitOfWork db, IEnumerable<byte[]> chatIndexes, CancellationToken cancellationToken)
    {
        // Sorted and distinct, so two batches that share chats take their locks in the same order.
        var keys = chatIndexes.Select(Convert.ToHexStringLower).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (keys.Length == 0)
        {
            return;
        }

        await using var command = db.Command(
                "SELECT pg_advisory_xact_lock(hashtextextended(k, 7)) FROM unnest(@keys) WITH ORDINALITY AS t(k, n) ORDER BY n;")
            .With("@keys", keys);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task LockChatsByRefAsync(UnitOfWork db, IEnumerable<string> chatRefs, CancellationToken cancellationToken)
    {
        // A lock this transaction holds already is not asked for again (one round trip less per recorded send, whose
        // batch locked its chats first).
        var refs = chatRefs.Where(db.LockedChatRefs.Add).ToArray();
        if (refs.Length == 0)
        {
            return;
        }

        await using var command = db.Command(
                """
                SELECT pg_advisory_xact_lock(hashtextextended(k, 7))
                FROM (SELECT encode(chat_index, 'hex') COLLATE "C" AS k FROM chats WHERE id = ANY(@refs)) AS chat ORDER BY k;
                """)
            .With("@refs", refs);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A session advisory lock on a connection of its own, kept open while held: the server lets go of it when the
    /// connection ends, so a killed process's locks are free at once.
    /// </summary>
    public override async Task<HeldLock?> TryHoldAsync(string name, CancellationToken cancellationToken)
    {
        var connection = _dataSource.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT pg_try_advisory_lock(hashtextextended(@name, 7));";
            command.Parameters.AddWithValue("name", "familylinkbot:" + name);
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new AdvisoryLock(connection);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    private sealed class AdvisoryLock(NpgsqlConnection connection) : HeldLock
    {
        public override async Task<bool> StillHeldAsync(CancellationToken cancellationToken)
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1;";
                await command.ExecuteScalarAsync(cancellationToken);
                return true;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                return false;
            }
        }

        // Closing the session releases its advisory locks; the pool must not keep a session that holds one.
        public override async ValueTask DisposeAsync()
        {
            await using (connection)
            {
                try
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = "SELECT pg_advisory_unlock_all();";
                    await command.ExecuteNonQueryAsync();
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
                {
                    // The connection is gone, and the lock with it.
                }
            }
        }
    }

    public override async Task LockAsync(UnitOfWork db, string name, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT pg_advisory_xact_lock(hashtextextended(@name, 7));").With("@name", "familylinkbot:" + name);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override string NowMilliseconds => "CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS bigint)";

    public override string ZeroesLike(string blob) => $"decode(repeat('00', length({blob})), 'hex')";

    public override string BlobAsText(string blob) => $"convert_from({blob}, 'UTF8')";

    public override string Greatest(string left, string right) => $"GREATEST({left}, {right})";

    public override string ForUpdateSkipLocked => "FOR UPDATE SKIP LOCKED";

    public override void ClearPools() => NpgsqlConnection.ClearPool(_dataSource.CreateConnection());

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dataSource.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async Task<DbConnection?> OpenExistingForCheckAsync(CancellationToken cancellationToken)
    {
        var connection = _dataSource.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    // 40P01 deadlock_detected, 40001 serialization_failure.
    public override bool IsRetryable(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure }
        || exception.InnerException is { } inner && IsRetryable(inner);

    public override string? DescribeError(Exception exception) => exception switch
    {
        PostgresException pg => "PostgreSQL error " + pg.SqlState,
        NpgsqlException => "cannot reach PostgreSQL",
        _ => null,
    };
}
