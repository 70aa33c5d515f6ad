using System.Diagnostics;
using System.Globalization;
using FamilyLinkBot.Hosting;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace FamilyLinkBot.Storage.PostgreSQL;

/// <summary>
/// Copies an SQLite deployment into an empty PostgreSQL database that has the same schema version
/// (docs/DESIGN.md#12-scale-out, <c>migrate-to-postgres</c>). Rows go over as they are: encrypted columns are copied
/// byte for byte, so nothing is decrypted and the associated data (row ids, chat ids) still matches. Tables and columns
/// are read from the catalogs, so a later migration needs no change here; parents are copied before children, all in
/// one transaction with binary COPY, and every identity continues after the highest id SQLite ever gave out.
/// </summary>
public sealed class SqliteToPostgresCopier(int schemaVersion)
{
    // The migrator's version bookkeeping on PostgreSQL; SQLite keeps its version in PRAGMA user_version.
    private static readonly HashSet<string> Bookkeeping = new(StringComparer.Ordinal) { "schema_version" };

    /// <summary>Copies every table of <paramref name="sqlitePath"/> into <paramref name="target"/>; returns rows per table, in copy order.</summary>
    public async Task<IReadOnlyList<CopiedTable>> CopyAsync(string sqlitePath, NpgsqlConnection target, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(sqlitePath))
        {
            throw new StartupException($"The SQLite database {sqlitePath} does not exist.");
        }

        // Read-only and unpooled: the source is never written, and its file is closed when the copy ends.
        var sourceString = new SqliteConnectionStringBuilder { DataSource = sqlitePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var source = new SqliteConnection(sourceString);
        await source.OpenAsync(cancellationToken);
        // One read transaction: every table is read from the same snapshot.
        await using var snapshot = source.BeginTransaction(deferred: true);

        var version = Convert.ToInt64(await ScalarAsync(source, snapshot, "PRAGMA user_version;", cancellationToken), CultureInfo.InvariantCulture);
        if (version != schemaVersion)
        {
            throw new StartupException(
                $"The SQLite database has schema version {version}, and this program copies version {schemaVersion} only. " +
                (version < schemaVersion
                    ? "Run this version of the bot on it once (it migrates at start), stop it, then copy."
                    : "Copy it with the version of the program that last ran on it."));
        }

        await using var transaction = await target.BeginTransactionAsync(cancellationToken);
        var tables = await TargetTablesAsync(target, transaction, cancellationToken);
        if (tables.Count == 0)
        {
            throw new StartupException("The PostgreSQL database has no FamilyLinkBot tables. Apply the PostgreSQL migrations to it first.");
        }

        await CheckSameTablesAsync(source, snapshot, tables, cancellationToken);

        // No writer (a bot started too early, a second copy) may add rows between the check below and the commit.
        await ExecuteAsync(target, transaction, $"LOCK TABLE {string.Join(", ", tables.Select(t => Quote(t.Name)))} IN EXCLUSIVE MODE;", cancellationToken);
        foreach (var table in tables)
        {
            if (await ScalarAsync(target, transaction, $"SELECT EXISTS (SELECT 1 FROM {Quote(table.Name)});", cancellationToken) is true)
            {
                throw new StartupException(
                    $"The PostgreSQL database already holds rows (table {table.Name}). Copy only into an empty database with the schema applied.");
            }
        }

        var sequences = await SqliteSequencesAsync(source, snapshot, cancellationToken);
        var copied = new List<CopiedTable>(tables.Count);
        foreach (var table in tables)
        {
            var rows = await CopyTableAsync(source, snapshot, target, table, cancellationToken);
            copied.Add(new CopiedTable(table.Name, rows));
            await ContinueIdentitiesAsync(target, transaction, table, sequences.GetValueOrDefault(table.Name), cancellationToken);
        }

        await ExecuteAsync(target, transaction, $"ANALYZE {string.Join(", ", tables.Select(t => Quote(t.Name)))};", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return copied;
    }

    private static async Task<long> CopyTableAsync(
        SqliteConnection source, SqliteTransaction snapshot, NpgsqlConnection target, Table table, CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", table.Columns.Select(c => Quote(c.Name)));
        await using var read = source.CreateCommand();
        read.Transaction = snapshot;
        read.CommandText = $"SELECT {columns} FROM {Quote(table.Name)};";
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);

        await using var import = await target.BeginBinaryImportAsync(
            $"COPY {Quote(table.Name)} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            await import.StartRowAsync(cancellationToken);
            for (var i = 0; i < table.Columns.Count; i++)
            {
                if (reader.IsDBNull(i))
                {
                    await import.WriteNullAsync(cancellationToken);
                    continue;
                }

                switch (table.Columns[i].Type)
                {
                    case NpgsqlDbType.Bigint:
                        await import.WriteAsync(reader.GetInt64(i), NpgsqlDbType.Bigint, cancellationToken);
                        break;
                    case NpgsqlDbType.Integer:
                        await import.WriteAsync(checked((int)reader.GetInt64(i)), NpgsqlDbType.Integer, cancellationToken);
                        break;
                    case NpgsqlDbType.Text:
                        await import.WriteAsync(reader.GetString(i), NpgsqlDbType.Text, cancellationToken);
                        break;
                    case NpgsqlDbType.Bytea:
                        await import.WriteAsync(reader.GetFieldValue<byte[]>(i), NpgsqlDbType.Bytea, cancellationToken);
                        break;
                    default:
                        throw new UnreachableException(); // TargetTablesAsync admits these four types only
                }
            }
        }

        return checked((long)await import.CompleteAsync(cancellationToken));
    }

    /// <summary>
    /// Moves each identity past the highest id SQLite gave out: the larger of MAX(id) and sqlite_sequence, since
    /// AUTOINCREMENT never reuses the id of a deleted row, and settled outbox rows are deleted while relay_copies,
    /// broadcasts and outbox_panics still name their ids.
    /// </summary>
    private static async Task ContinueIdentitiesAsync(
        NpgsqlConnection target, NpgsqlTransaction transaction, Table table, long sqliteSequence, CancellationToken cancellationToken)
    {
        foreach (var column in table.Columns.Where(c => c.IsIdentity))
        {
            // setval(…, 0, …) is below a sequence's minimum: an identity never used is set to hand out 1 next.
            await using var command = new NpgsqlCommand(
                $"""
                SELECT setval(pg_get_serial_sequence(@table, @column), GREATEST(m, 1), m > 0)
                FROM (SELECT GREATEST(COALESCE(MAX({Quote(column.Name)}), 0), @sequence) AS m FROM {Quote(table.Name)}) AS highest;
                """,
                target,
                transaction);
            command.Parameters.AddWithValue("table", Quote(table.Name));
            command.Parameters.AddWithValue("column", column.Name);
            command.Parameters.AddWithValue("sequence", sqliteSequence);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<List<Table>> TargetTablesAsync(NpgsqlConnection target, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, List<Column>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            SELECT c.table_name, c.column_name, c.data_type, c.is_identity = 'YES'
            FROM information_schema.columns AS c
            JOIN information_schema.tables AS t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            ORDER BY c.table_name, c.ordinal_position;
            """,
            target,
            transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var table = reader.GetString(0);
                if (Bookkeeping.Contains(table))
                {
                    continue;
                }

                var type = reader.GetString(2) switch
                {
                    "bigint" => NpgsqlDbType.Bigint,
                    "integer" => NpgsqlDbType.Integer,
                    "text" => NpgsqlDbType.Text,
                    "bytea" => NpgsqlDbType.Bytea,
                    var other => throw new StartupException(
                        $"Column {table}.{reader.GetString(1)} has type {other}, which the copier does not know. Update the copier with the migration."),
                };
                if (!columns.TryGetValue(table, out var list))
                {
                    columns[table] = list = [];
                }

                list.Add(new Column(reader.GetString(1), type, reader.GetBoolean(3)));
            }
        }

        var parents = columns.Keys.ToDictionary(t => t, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            SELECT child.relname, parent.relname
            FROM pg_constraint AS k
            JOIN pg_class AS child ON child.oid = k.conrelid
            JOIN pg_class AS parent ON parent.oid = k.confrelid
            WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace;
            """,
            target,
            transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (child, parent) = (reader.GetString(0), reader.GetString(1));
                if (child != parent && parents.TryGetValue(child, out var set) && columns.ContainsKey(parent))
                {
                    set.Add(parent);
                }
            }
        }

        // Parents first; among tables that are ready at the same time, by name, so the order is the same every run.
        var ordered = new List<Table>(columns.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (done.Count < columns.Count)
        {
            var ready = columns.Keys.Where(t => !done.Contains(t) && parents[t].IsSubsetOf(done)).Order(StringComparer.Ordinal).ToList();
            if (ready.Count == 0)
            {
                throw new StartupException("The PostgreSQL tables' foreign keys form a cycle; the copier cannot order them.");
            }

            foreach (var table in ready)
            {
                ordered.Add(new Table(table, columns[table]));
                done.Add(table);
            }
        }

        return ordered;
    }

    /// <summary>The two schemas must name the same tables and columns; anything else would drop or invent data.</summary>
    private static async Task CheckSameTablesAsync(
        SqliteConnection source, SqliteTransaction snapshot, List<Table> tables, CancellationToken cancellationToken)
    {
        var sqlite = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await using (var command = source.CreateCommand())
        {
            command.Transaction = snapshot;
            command.CommandText =
                """
                SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\';
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!sqlite.TryGetValue(reader.GetString(0), out var set))
                {
                    sqlite[reader.GetString(0)] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(reader.GetString(1));
            }
        }

        var differences = new List<string>();
        differences.AddRange(sqlite.Keys.Except(tables.Select(t => t.Name)).Order(StringComparer.Ordinal).Select(t => $"table {t} is missing in PostgreSQL"));
        foreach (var table in tables)
        {
            if (!sqlite.TryGetValue(table.Name, out var sqliteColumns))
            {
                differences.Add($"table {table.Name} is missing in SQLite");
                continue;
            }

            var pgColumns = table.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            differences.AddRange(sqliteColumns.Except(pgColumns).Order(StringComparer.Ordinal).Select(c => $"column {table.Name}.{c} is missing in PostgreSQL"));
            differences.AddRange(pgColumns.Except(sqliteColumns).Order(StringComparer.Ordinal).Select(c => $"column {table.Name}.{c} is missing in SQLite"));
        }

        if (differences.Count > 0)
        {
            throw new StartupException("The SQLite and PostgreSQL schemas differ: " + string.Join("; ", differences) + ".");
        }
    }

    /// <summary>AUTOINCREMENT's high-water marks; the table is missing until the first such insert.</summary>
    private static async Task<Dictionary<string, long>> SqliteSequencesAsync(SqliteConnection source, SqliteTransaction snapshot, CancellationToken cancellationToken)
    {
        var sequences = new Dictionary<string, long>(StringComparer.Ordinal);
        if (await ScalarAsync(source, snapshot, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence';", cancellationToken) is 0L)
        {
            return sequences;
        }

        await using var command = source.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = "SELECT name, seq FROM sqlite_sequence;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sequences[reader.GetString(0)] = reader.GetInt64(1);
        }

        return sequences;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record Table(string Name, IReadOnlyList<Column> Columns);

    private sealed record Column(string Name, NpgsqlDbType Type, bool IsIdentity);
}
