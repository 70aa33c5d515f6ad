namespace FamilyLinkBot.Storage;

/// <summary>The <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The engine: SQLite (default, a file, nothing to install) or PostgreSQL (docs/DESIGN.md#12-scale-out).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>SQLite: <c>Data Source=path</c>. PostgreSQL: an Npgsql connection string (<c>Host=…;Database=…;Username=…</c>).</summary>
    public string ConnectionString { get; set; } = "Data Source=data/familylinkbot.db";

    public SqlDialect CreateDialect() => Provider switch
    {
        StorageProvider.Sqlite => new SqliteDialect(ConnectionString),
        StorageProvider.PostgreSQL => new PostgreSqlDialect(ConnectionString),
        _ => throw new InvalidOperationException("Storage:Provider must be Sqlite or PostgreSQL."),
    };

    /// <summary>Whether the connection string suits the provider (checked with the options, so a bad one is a configuration error).</summary>
    public bool HasUsableConnectionString()
    {
        try
        {
            _ = CreateDialect();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

/// <summary>The database engines the bot can keep its data in.</summary>
public enum StorageProvider
{
    Sqlite,
    PostgreSQL,
}
