using Npgsql;

namespace FamilyLinkBot.Tests.Support;

/// <summary>
/// A database of its own for one test on the <see cref="PostgresServer"/>, dropped on dispose, so tests that use
/// PostgreSQL run in parallel and never see each other's rows.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _server;

    private PostgresDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var server = await PostgresServer.ConnectionStringAsync();
        var database = new PostgresDatabase(server, "flb_test_" + Guid.NewGuid().ToString("N"));
        await database.OnServerAsync($"CREATE DATABASE {database.Name};");
        return database;
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        // FORCE: a connection a failed test left open does not keep the database alive. A server process of another
        // role (autovacuum) cannot be ended by ours: the database then stays, in a cluster that is thrown away.
        try
        {
            await OnServerAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);");
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
        {
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
