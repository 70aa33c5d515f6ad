using Npgsql;

namespace FamilyLinkBot.Benchmarks;

/// <summary>
/// A fresh database for one run on the PostgreSQL server named by <c>--postgres</c> (its role may CREATE DATABASE),
/// dropped at the end, so every run starts from the same empty schema (docs/DESIGN.md#12-scale-out).
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _server;

    private BenchDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<BenchDatabase> CreateAsync(string server)
    {
        var database = new BenchDatabase(server, "flb_bench_" + Guid.NewGuid().ToString("N")[..16]);
        // template0 with the C collation, as the test fixture does: keyset cursors order as SQLite's BINARY.
        await database.OnServerAsync($"CREATE DATABASE {database.Name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';");
        return database;
    }

    /// <summary>A read of the bot's tables in this database, for figures the Bot API cannot show (who holds which outbox claims).</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Calls <paramref name="row"/> for each row of a read of the bot's tables in this database.</summary>
    public async Task ReadAsync(string sql, Action<NpgsqlDataReader> row)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            row(reader);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // FORCE: the bot processes were killed, but the server may not have noticed their connections yet; a backend
        // still starting or ending can make FORCE itself fail for a moment, so it is tried a few times.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await OnServerAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);");
                return;
            }
            catch (PostgresException ex) when (attempt < 5)
            {
                Console.WriteLine($"dropping the bench database failed ({ex.SqlState}); trying again");
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }

    private async Task OnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
