using System.Security.Cryptography;
using System.Text;
using FamilyLinkBot.Storage;
using Npgsql;

namespace FamilyLinkBot.Tests.Support;

/// <summary>
/// Which engine the suite's bots keep their data in (docs/DESIGN.md#12-scale-out): SQLite by default; PostgreSQL
/// when <c>FLB_TEST_STORE=PostgreSQL</c>, on the server named by <c>FLB_TEST_POSTGRES</c> (an Npgsql connection string
/// whose user may create databases; <c>.ci/postgres start</c> prints one). Each test data folder gets a database of its
/// own, named after the folder, so a bot restarted on the same folder finds its data again, and tests run in parallel.
/// Tests that read the SQLite file itself carry <c>[Trait("Store", "SqliteOnly")]</c> and are left out of the
/// PostgreSQL run.
/// </summary>
public static class TestStore
{
    public const string SqliteOnly = "SqliteOnly";

    private static readonly Lazy<string?> Server = new(() => Environment.GetEnvironmentVariable("FLB_TEST_POSTGRES") is { Length: > 0 } s ? s : null);

    public static bool IsPostgreSql { get; } = PostgreSqlChosen();

    private static bool PostgreSqlChosen()
    {
        var chosen = string.Equals(Environment.GetEnvironmentVariable("FLB_TEST_STORE"), "PostgreSQL", StringComparison.OrdinalIgnoreCase);
        if (chosen)
        {
            // Every write is a round trip to a server sharing the two cores: a reply's second message may come a little later.
            FamilyLinkBot.Testing.ChatDriver.DefaultQuietPeriod = TimeSpan.FromMilliseconds(300);
        }

        return chosen;
    }

    /// <summary>The storage settings for a bot whose data lives in <paramref name="dataFolder"/>.</summary>
    public static Dictionary<string, string?> Settings(string dataFolder) =>
        IsPostgreSql
            ? new() { ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = PostgreSqlDatabase(dataFolder) }
            : new() { ["Storage:Provider"] = "Sqlite", ["Storage:ConnectionString"] = $"Data Source={Path.Combine(dataFolder, "bot.db")}" };

    /// <summary>A <see cref="Database"/> on the store a bot of <paramref name="dataFolder"/> uses.</summary>
    public static Database DatabaseFor(string dataFolder)
    {
        var settings = Settings(dataFolder);
        return new Database(new StorageOptions
        {
            Provider = Enum.Parse<StorageProvider>(settings["Storage:Provider"]!),
            ConnectionString = settings["Storage:ConnectionString"]!,
        }.CreateDialect());
    }

    /// <summary>
    /// An open connection to the store of the bot whose SQLite file would be <paramref name="databasePath"/> (its data
    /// folder's bot.db): the file itself with SQLite, the folder's database with PostgreSQL. No pooling, so nothing is
    /// left holding the file.
    /// </summary>
    public static async Task<System.Data.Common.DbConnection> OpenAsync(string databasePath)
    {
        System.Data.Common.DbConnection connection = IsPostgreSql
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgreSqlDatabase(Path.GetDirectoryName(databasePath)!)) { Pooling = false }.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// What a copy of the store holds, as files to scan for plaintext: SQLite's database, WAL and journal files; with
    /// PostgreSQL, every row of every table written out as text to a file in the data folder (what a dump would show).
    /// </summary>
    public static IEnumerable<string> Files(string databasePath)
    {
        if (!IsPostgreSql)
        {
            return new[] { databasePath, databasePath + "-wal", databasePath + "-shm", databasePath + "-journal" }.Where(File.Exists);
        }

        var dump = Path.Combine(Path.GetDirectoryName(databasePath)!, "dump.txt");
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgreSqlDatabase(Path.GetDirectoryName(databasePath)!)) { Pooling = false }.ConnectionString);
        connection.Open();
        var tables = new List<string>();
        using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public';", connection))
        using (var reader = list.ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        using var output = new StreamWriter(dump);
        foreach (var table in tables)
        {
            using var rows = new NpgsqlCommand($"SELECT t::text FROM \"{table}\" t;", connection);
            using var reader = rows.ExecuteReader();
            while (reader.Read())
            {
                output.WriteLine(reader.GetString(0));
            }
        }

        return [dump];
    }

    private static readonly Dictionary<string, string> Created = new(StringComparer.Ordinal);

    private static string PostgreSqlDatabase(string dataFolder)
    {
        var server = Server.Value ?? throw new InvalidOperationException("FLB_TEST_STORE=PostgreSQL needs FLB_TEST_POSTGRES (run .ci/postgres start).");
        var name = "flb_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataFolder))))[..24];
        lock (Created)
        {
            if (Created.TryGetValue(name, out var known))
            {
                return known;
            }

            using (var admin = new NpgsqlConnection(server))
            {
                admin.Open();
                using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name;", admin);
                exists.Parameters.AddWithValue("name", name);
                if (exists.ExecuteScalar() is null)
                {
                    using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';", admin);
                    create.ExecuteNonQuery();
                }
            }

            var connection = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
            Created[name] = connection;
            return connection;
        }
    }
}
