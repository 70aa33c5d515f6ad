using System.Globalization;
using System.Text.RegularExpressions;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Storage.PostgreSQL;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FamilyLinkBot.Tests.Storage;

/// <summary>
/// The PostgreSQL schema (Storage/Migrations/PostgreSQL) is SQLite's schema after every migration, and
/// <see cref="SqliteToPostgresCopier"/> moves an SQLite deployment into it unchanged (docs/DESIGN.md#12-scale-out).
/// </summary>
public sealed partial class PostgreSqlSchemaTests : IAsyncLifetime
{
    private static readonly byte[] AllBytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
    private static readonly byte[] AllBytesReversed = AllBytes.Reverse().ToArray();

    private readonly TempFolder _folder = new();
    private PostgresDatabase _postgres = null!;

    public async Task InitializeAsync() => _postgres = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _postgres.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [PostgresFact]
    public async Task BaselineSchemaMatchesSqliteSchemaAfterEveryMigration()
    {
        var sqlitePath = await MigratedSqliteAsync();
        var version = await ApplyPostgresMigrationsAsync();
        Assert.Equal(Migrator.LatestVersion, version);

        var sqlite = await SqliteSchemaAsync(sqlitePath);
        var postgres = await PostgresSchemaAsync();

        // The sets are large; say exactly what differs rather than the first index where they part.
        var onlySqlite = sqlite.Except(postgres).ToList();
        var onlyPostgres = postgres.Except(sqlite).ToList();
        Assert.True(
            onlySqlite.Count == 0 && onlyPostgres.Count == 0,
            "Only in SQLite:\n  " + string.Join("\n  ", onlySqlite) + "\nOnly in PostgreSQL:\n  " + string.Join("\n  ", onlyPostgres));
        Assert.Contains("column|outbox|id|integer|not null|pk 1|identity", postgres);
        Assert.Contains("index|cases|cases_chat_number|chat_ref,number|unique|", postgres);
    }

    [PostgresFact]
    public async Task CopiedRowsReadBackByteIdentical()
    {
        var sqlitePath = await SqliteWithRowsAsync();
        var version = await ApplyPostgresMigrationsAsync();

        IReadOnlyList<CopiedTable> copied;
        await using (var connection = await _postgres.OpenAsync())
        {
            copied = await new SqliteToPostgresCopier(version).CopyAsync(sqlitePath, connection);
        }

        var sqliteRows = await SqliteRowsAsync(sqlitePath);
        var postgresRows = await PostgresRowsAsync();
        Assert.Equal(sqliteRows.Keys.Order(), postgresRows.Keys.Order());
        foreach (var (table, rows) in sqliteRows)
        {
            Assert.Equal(rows, postgresRows[table]);
        }

        Assert.Equal(sqliteRows.ToDictionary(t => t.Key, t => (long)t.Value.Count).OrderBy(t => t.Key), copied.ToDictionary(t => t.Name, t => t.Rows).OrderBy(t => t.Key));
        Assert.Contains("key=t:all_bytes|value=b:" + Convert.ToHexString(AllBytes), postgresRows["meta"]);
        Assert.Contains("key=t:empty|value=b:", postgresRows["meta"]);
        Assert.True(copied.Count(t => t.Rows > 0) >= 12, string.Join(", ", copied));

        // Parents before children: a child copied first would have failed its foreign key.
        var order = copied.Select(t => t.Name).ToList();
        Assert.True(order.IndexOf("chats") < order.IndexOf("cases") && order.IndexOf("cases") < order.IndexOf("case_history"));
        Assert.True(order.IndexOf("broadcasts") < order.IndexOf("outbox") && order.IndexOf("feeds") < order.IndexOf("alerts"));
    }

    [PostgresFact]
    public async Task IdentitiesContinueAfterTheHighestIdSqliteGaveOut()
    {
        var sqlitePath = await SqliteWithRowsAsync();
        var version = await ApplyPostgresMigrationsAsync();
        await using var connection = await _postgres.OpenAsync();
        await new SqliteToPostgresCopier(version).CopyAsync(sqlitePath, connection);

        // Outbox row 3 was deleted after it settled, but relay_copies and outbox_panics still name it: 3 is never reused.
        Assert.Equal(4L, await ScalarAsync(connection, "INSERT INTO outbox (lane, payload, not_before, created_at) VALUES (0, '\\x00', 0, 0) RETURNING id;"));
        Assert.Equal(3L, await ScalarAsync(connection, "INSERT INTO case_history (case_ref, at, status) VALUES ('k1', 9, 'found') RETURNING id;"));
        Assert.Equal(2L, await ScalarAsync(connection, "INSERT INTO broadcasts (text, audience, total, created_at) VALUES ('\\x00', 'all', 0, 0) RETURNING id;"));
        Assert.Equal(2L, await ScalarAsync(connection, "INSERT INTO feeds (name, url, source) VALUES ('b', 'https://example.org/b', 'admin') RETURNING id;"));
        Assert.Equal(1L, await ScalarAsync(connection, "INSERT INTO relay_messages (case_ref, direction, text, created_at) VALUES ('k1', 0, '\\x00', 0) RETURNING id;"));
    }

    [PostgresFact]
    public async Task CopyIntoDatabaseWithRowsIsRefusedAndChangesNothing()
    {
        var sqlitePath = await SqliteWithRowsAsync();
        var version = await ApplyPostgresMigrationsAsync();
        await using var connection = await _postgres.OpenAsync();
        await ScalarAsync(connection, "INSERT INTO processed_updates (update_id, processed_at) VALUES (424242, 0);");

        var refused = await Assert.ThrowsAsync<StartupException>(() => new SqliteToPostgresCopier(version).CopyAsync(sqlitePath, connection));

        Assert.Contains("already holds rows", refused.Message);
        Assert.DoesNotContain("424242", refused.Message);
        var rows = await PostgresRowsAsync();
        Assert.Equal(["processed_at=i:0|update_id=i:424242"], rows.Values.SelectMany(r => r));
    }

    [PostgresFact]
    public async Task CopyOfAnotherSchemaVersionIsRefused()
    {
        var sqlitePath = await SqliteWithRowsAsync();
        var version = await ApplyPostgresMigrationsAsync();
        await using (var sqlite = new SqliteConnection($"Data Source={sqlitePath};Pooling=False"))
        {
            await sqlite.OpenAsync();
            await using var command = sqlite.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {version - 1};";
            await command.ExecuteNonQueryAsync();
        }

        await using var connection = await _postgres.OpenAsync();
        var refused = await Assert.ThrowsAsync<StartupException>(() => new SqliteToPostgresCopier(version).CopyAsync(sqlitePath, connection));

        Assert.Contains($"schema version {version - 1}", refused.Message);
        Assert.All((await PostgresRowsAsync()).Values, Assert.Empty);
    }

    [PostgresFact]
    public async Task CopyIntoDatabaseWithoutSchemaIsRefused()
    {
        var sqlitePath = await SqliteWithRowsAsync();
        await using var connection = await _postgres.OpenAsync();

        var refused = await Assert.ThrowsAsync<StartupException>(() => new SqliteToPostgresCopier(Migrator.LatestVersion).CopyAsync(sqlitePath, connection));

        Assert.Contains("Apply the PostgreSQL migrations", refused.Message);
    }

    // ---- PostgreSQL side -------------------------------------------------------------------------------------------

    /// <summary>Applies Storage/Migrations/PostgreSQL/NNNN_*.sql in order; returns the highest version.</summary>
    private async Task<int> ApplyPostgresMigrationsAsync()
    {
        var folder = Path.Combine(Repository.Root, "src", "FamilyLinkBot", "Storage", "Migrations", "PostgreSQL");
        var files = Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        await using var connection = await _postgres.OpenAsync();
        foreach (var file in files)
        {
            await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(file), connection);
            await command.ExecuteNonQueryAsync();
        }

        return int.Parse(Path.GetFileName(files[^1]).AsSpan(0, 4), CultureInfo.InvariantCulture);
    }

    /// <summary>Columns, keys, foreign keys, unique constraints, indexes, defaults and checks, as comparable lines.</summary>
    private async Task<List<string>> PostgresSchemaAsync()
    {
        await using var connection = await _postgres.OpenAsync();
        var lines = await LinesAsync(connection, PostgresSchemaSql);
        return lines.Select(NormalizePostgresLine).Order(StringComparer.Ordinal).ToList();
    }

    // text columns are COLLATE "C" (SQLite's BINARY): one without it shows as "text collate …" and differs.
    private const string PostgresSchemaSql =
        """
        SELECT concat_ws('|', 'column', c.table_name, c.column_name,
                   CASE c.data_type WHEN 'bigint' THEN 'integer' WHEN 'bytea' THEN 'blob'
                        WHEN 'text' THEN CASE WHEN c.collation_name = 'C' THEN 'text' ELSE 'text collate ' || coalesce(c.collation_name, 'default') END
                        ELSE c.data_type END,
                   CASE c.is_nullable WHEN 'NO' THEN 'not null' ELSE 'null' END,
                   CASE WHEN k.ordinal_position IS NULL THEN '' ELSE 'pk ' || k.ordinal_position END,
                   CASE WHEN c.is_identity = 'YES' THEN 'identity' ELSE '' END)
        FROM information_schema.columns AS c
        LEFT JOIN information_schema.table_constraints AS t
            ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY'
        LEFT JOIN information_schema.key_column_usage AS k
            ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name AND k.column_name = c.column_name
        WHERE c.table_schema = current_schema()
        UNION ALL
        SELECT concat_ws('|', 'default', table_name, column_name, column_default)
        FROM information_schema.columns WHERE table_schema = current_schema() AND column_default IS NOT NULL AND is_identity = 'NO'
        UNION ALL
        SELECT concat_ws('|', CASE k.contype WHEN 'f' THEN 'foreign key' WHEN 'u' THEN 'unique' ELSE 'check' END, child.relname,
                   (SELECT string_agg(a.attname, ',' ORDER BY n) FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, n)
                    JOIN pg_attribute AS a ON a.attrelid = k.conrelid AND a.attnum = u.attnum),
                   CASE k.contype WHEN 'f' THEN parent.relname || '(' ||
                       (SELECT string_agg(a.attname, ',' ORDER BY n) FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, n)
                        JOIN pg_attribute AS a ON a.attrelid = k.confrelid AND a.attnum = u.attnum) || ')'
                        WHEN 'c' THEN pg_get_constraintdef(k.oid) ELSE '' END,
                   CASE k.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'a' THEN 'NO ACTION'
                        WHEN 'r' THEN 'RESTRICT' WHEN 'd' THEN 'SET DEFAULT' ELSE '' END)
        FROM pg_constraint AS k
        JOIN pg_class AS child ON child.oid = k.conrelid
        LEFT JOIN pg_class AS parent ON parent.oid = k.confrelid
        WHERE k.connamespace = current_schema()::regnamespace AND k.contype IN ('f', 'u', 'c')
        UNION ALL
        SELECT concat_ws('|', 'index', t.relname, i.relname,
                   (SELECT string_agg(a.attname, ',' ORDER BY n) FROM unnest(x.indkey) WITH ORDINALITY AS u(attnum, n)
                    JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = u.attnum),
                   CASE WHEN x.indisunique THEN 'unique' ELSE '' END,
                   coalesce(pg_get_expr(x.indpred, x.indrelid), ''))
        FROM pg_index AS x
        JOIN pg_class AS i ON i.oid = x.indexrelid
        JOIN pg_class AS t ON t.oid = x.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = x.indexrelid);
        """;

    /// <summary>
    /// PostgreSQL spells defaults, checks and index predicates its own way ('x'::text, = ANY (ARRAY[…]), extra
    /// parentheses); reduce both engines' spellings to the same shape.
    /// </summary>
    private static string NormalizePostgresLine(string line)
    {
        line = line.Replace("::text", "", StringComparison.Ordinal);
        if (line.StartsWith("check|", StringComparison.Ordinal) || line.StartsWith("index|", StringComparison.Ordinal))
        {
            // CHECK ((state = ANY (ARRAY['pending', 'approved']))) → state IN ('pending', 'approved')
            line = AnyArray().Replace(line, m => $"{m.Groups[1].Value} IN ({m.Groups[2].Value})");
            line = line.Replace("CHECK ", "", StringComparison.Ordinal).Replace("(", "", StringComparison.Ordinal).Replace(")", "", StringComparison.Ordinal);
        }

        return line;
    }

    [GeneratedRegex(@"(\w+) = ANY \(ARRAY\[([^\]]*)\]\)")]
    private static partial Regex AnyArray();

    private async Task<SortedDictionary<string, List<string>>> PostgresRowsAsync()
    {
        await using var connection = await _postgres.OpenAsync();
        var tables = await LinesAsync(connection,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE';");
        var rows = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT * FROM \"{table}\";", connection);
            await using var reader = await command.ExecuteReaderAsync();
            rows[table] = await CanonicalRowsAsync(reader);
        }

        return rows;
    }

    // ---- SQLite side -----------------------------------------------------------------------------------------------

    private async Task<string> MigratedSqliteAsync()
    {
        var path = _folder.File("source.db");
        using var database = new Database("Data Source=" + path);
        await new Migrator(database).MigrateAsync();
        return path;
    }

    /// <summary>A migrated SQLite file with rows in most tables: blobs with every byte value, an empty blob, extreme integers, Korean text.</summary>
    private async Task<string> SqliteWithRowsAsync()
    {
        var path = await MigratedSqliteAsync();
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Foreign Keys=True");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            INSERT INTO meta (key, value) VALUES ('all_bytes', @all), ('empty', @empty);
            INSERT INTO chats (id, chat_index, data_key, chat_id, language, active, created_at, last_seen_at, disappear_seconds, discreet, phrase, case_alerts)
                VALUES ('c1', x'01', @all, @reversed, 'ko', 1, @min, @max, 0, 1, NULL, 0),
                       ('c2', x'02', @reversed, @all, NULL, 0, 0, 0, 86400, 0, @all, 1);
            INSERT INTO silenced_groups (chat_index) VALUES (@all);
            INSERT INTO sessions (chat_ref, state, updated_at) VALUES ('c1', @all, 7);
            INSERT INTO processed_updates (update_id, processed_at) VALUES (@max, 1), (-1, 2);
            INSERT INTO cases (id, chat_ref, number, token_hash, relation, alias, region, place_detail, since, status, created_at, updated_at, closed_at, token_form)
                VALUES ('k1', 'c1', 1, x'0a', @all, NULL, @reversed, @empty, NULL, 'reported', 1, 2, NULL, 'words'),
                       ('k2', 'c1', 2, x'0b', @reversed, @all, @all, NULL, @all, 'closed', 3, 4, 5, 'letters');
            INSERT INTO case_history (case_ref, at, status, note) VALUES ('k1', 1, 'reported', @all), ('k2', 2, 'closed', NULL);
            INSERT INTO tracked_messages (chat_ref, message_id, sent_at, expires_at) VALUES ('c1', 10, 1, NULL), ('c1', 11, 2, 3);
            INSERT INTO broadcasts (text, audience, created_by, total, created_at, progress_item) VALUES (@all, 'lang:ko', 'c1', 2, 5, 2);
            INSERT INTO caseworkers (chat_ref, joined_at, revoked_at) VALUES ('c2', 1, NULL);
            INSERT INTO caseworker_invites (code_hash, created_at, expires_at, used_at) VALUES (@all, 1, 2, NULL);
            INSERT INTO case_follows (case_ref, caseworker_ref, since) VALUES ('k1', 'c2', 1);
            INSERT INTO ended_follows (case_ref, caseworker_ref) VALUES ('k2', 'c2');
            INSERT INTO outbox (chat_ref, source_ref, lane, payload, not_before, created_at, broadcast_id, claimed_by, claimed_until)
                VALUES ('c2', 'c1', 0, @all, 0, 0, NULL, 'host:1', 99),
                       ('c1', NULL, 2, @reversed, 0, 0, 1, NULL, NULL),
                       ('c2', 'c1', 1, @empty, 0, 0, NULL, NULL, NULL);
            -- The newest row settled and was deleted; its relay copy and the panic mark still name it.
            DELETE FROM outbox WHERE id = 3;
            INSERT INTO relay_copies (outbox_id, chat_ref, case_ref, message_id, expires_at) VALUES (3, 'c2', @all, 77, 9);
            INSERT INTO outbox_panics (chat_ref, last_item, expires_at) VALUES ('c1', 3, 10);
            INSERT INTO delivery_counts (hour, state, shard, count) VALUES (490000, 1, 0, 12), (490000, 1, 5, 3), (490000, 2, 0, 1);
            INSERT INTO feeds (name, url, source, etag) VALUES ('연합뉴스', 'https://example.org/rss', 'config', '"abc"');
            INSERT INTO seen_stories (key_hash, first_seen_at, last_seen_at) VALUES (@all, 1, 2);
            INSERT INTO alerts (feed_id, title, link, source, topics, regions, state, created_at)
                VALUES (1, '탈북민 강제북송 — “따옴표” 😀', NULL, '연합뉴스', '["border"]', '["jilin"]', 'pending', 3);
            INSERT INTO subscriptions (chat_ref, kind, value) VALUES ('c1', 'topic', 'border'), ('c1', 'region', 'jilin');
            INSERT INTO token_lookups (chat_ref, at) VALUES ('c2', 1772366400000), ('c2', 1772366401000);
            """;
        command.Parameters.AddWithValue("@all", AllBytes);
        command.Parameters.AddWithValue("@reversed", AllBytesReversed);
        command.Parameters.AddWithValue("@empty", Array.Empty<byte>());
        command.Parameters.AddWithValue("@min", long.MinValue);
        command.Parameters.AddWithValue("@max", long.MaxValue);
        await command.ExecuteNonQueryAsync();
        return path;
    }

    private static async Task<List<string>> SqliteSchemaAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var lines = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = SqliteSchemaSql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        // CHECKs live only in the CREATE TABLE text: "CHECK (kind IN ('topic', 'region'))" → "check|table|kind|kind IN 'topic', 'region'|".
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%';";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                foreach (Match check in SqliteCheck().Matches(reader.GetString(1)))
                {
                    lines.Add($"check|{reader.GetString(0)}|{check.Groups[1].Value}|{check.Groups[1].Value} IN {check.Groups[2].Value}|");
                }
            }
        }

        // Index predicates without parentheses, as NormalizePostgresLine leaves PostgreSQL's.
        return lines.Select(l => l.StartsWith("index|", StringComparison.Ordinal) ? l.Replace("(", "", StringComparison.Ordinal).Replace(")", "", StringComparison.Ordinal) : l)
            .Order(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex(@"CHECK \((\w+) IN \(([^)]*)\)\)")]
    private static partial Regex SqliteCheck();

    // A rowid table's PRIMARY KEY column may hold NULL in SQLite (a legacy quirk no row here uses); PostgreSQL's never does,
    // so a key column counts as NOT NULL. INTEGER PRIMARY KEY AUTOINCREMENT is the one kind of identity.
    private const string SqliteSchemaSql =
        """
        SELECT 'column|' || m.name || '|' || p.name || '|' || lower(p.type) || '|'
               || CASE WHEN p."notnull" OR p.pk > 0 THEN 'not null' ELSE 'null' END || '|'
               || CASE WHEN p.pk > 0 THEN 'pk ' || p.pk ELSE '' END || '|'
               || CASE WHEN p.pk = 1 AND lower(p.type) = 'integer' AND m.sql LIKE '%AUTOINCREMENT%' THEN 'identity' ELSE '' END
        FROM sqlite_master AS m, pragma_table_info(m.name) AS p
        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
        UNION ALL
        SELECT 'default|' || m.name || '|' || p.name || '|' || p.dflt_value
        FROM sqlite_master AS m, pragma_table_info(m.name) AS p
        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND p.dflt_value IS NOT NULL
        UNION ALL
        SELECT 'foreign key|' || m.name || '|' || f."from" || '|' || f."table" || '(' || f."to" || ')|' || f.on_delete
        FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
        WHERE m.type = 'table'
        UNION ALL
        SELECT 'unique|' || m.name || '|' || (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) || '||'
        FROM sqlite_master AS m, pragma_index_list(m.name) AS l
        WHERE m.type = 'table' AND l.origin = 'u'
        UNION ALL
        SELECT 'index|' || m.tbl_name || '|' || m.name || '|'
               || (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(m.name) ORDER BY seqno)) || '|'
               || CASE WHEN m.sql LIKE 'CREATE UNIQUE INDEX%' THEN 'unique' ELSE '' END || '|'
               || CASE WHEN instr(m.sql, ' WHERE ') > 0 THEN substr(m.sql, instr(m.sql, ' WHERE ') + 7) ELSE '' END
        FROM sqlite_master AS m
        WHERE m.type = 'index' AND m.sql IS NOT NULL;
        """;

    private static async Task<SortedDictionary<string, List<string>>> SqliteRowsAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%';";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var rows = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\";";
            await using var reader = await command.ExecuteReaderAsync();
            rows[table] = await CanonicalRowsAsync(reader);
        }

        return rows;
    }

    // ---- Both ------------------------------------------------------------------------------------------------------

    /// <summary>Each row as "column=value|…" with columns by name and values tagged by kind (i:, t:, b: hex, null), rows sorted.</summary>
    private static async Task<List<string>> CanonicalRowsAsync(System.Data.Common.DbDataReader reader)
    {
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var cells = new List<string>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.GetValue(i) switch
                {
                    DBNull => "null",
                    long l => "i:" + l.ToString(CultureInfo.InvariantCulture),
                    string s => "t:" + s,
                    byte[] b => "b:" + Convert.ToHexString(b),
                    var other => "?" + other.GetType().Name + ":" + other,
                };
                cells.Add(reader.GetName(i) + "=" + value);
            }

            rows.Add(string.Join("|", cells.Order(StringComparer.Ordinal)));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static async Task<List<string>> LinesAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
