using System.Globalization;
using System.Reflection;

namespace FamilyLinkBot.Storage;

/// <summary>
/// Applies the numbered SQL files embedded from Storage/Migrations/&lt;engine&gt;/ in order, each in its own
/// transaction, and records the schema version where the engine keeps it (<see cref="SqlDialect"/>). SQLite has every
/// version from 1; PostgreSQL begins at a baseline (no PostgreSQL deployment is older), and every later version exists
/// for both engines: one list of versions, one file per engine (docs/DESIGN.md#12-scale-out).
/// </summary>
public sealed class Migrator(Database database)
{
    private const string ResourcePrefix = "FamilyLinkBot.Migrations.";

    private static readonly Dictionary<string, IReadOnlyList<(int Version, string Sql)>> ByFolder = LoadScripts();

    /// <summary>The SQLite migrations, every version from 1.</summary>
    public static IReadOnlyList<(int Version, string Sql)> Scripts => ScriptsFor("Sqlite");

    /// <summary>The schema version this program brings (the same on every engine).</summary>
    public static int LatestVersion => Scripts.Count == 0 ? 0 : Scripts[^1].Version;

    public static IReadOnlyList<(int Version, string Sql)> ScriptsFor(string folder) =>
        ByFolder.TryGetValue(folder, out var scripts) ? scripts : [];

    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var dialect = database.Dialect;
        var scripts = ScriptsFor(dialect.MigrationFolder);
        await using var connection = await database.OpenAsync(cancellationToken);
        await dialect.BeforeMigrationsAsync(connection, cancellationToken);

        var current = await dialect.SchemaVersionAsync(connection, null, cancellationToken);
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The database has schema version {current}, newer than this program knows ({LatestVersion}). Upgrade the program.");
        }

        if (current == LatestVersion)
        {
            return current;
        }

        // A fresh database on an engine whose history starts at a baseline gets the baseline, not the history.
        var first = scripts.Count == 0 ? 0 : scripts[0].Version;
        if (current > 0 && current < first - 1)
        {
            throw new InvalidOperationException(
                $"The database has schema version {current}, older than the first {dialect.Engine} migration this program knows ({first}).");
        }

        foreach (var (version, sql) in scripts)
        {
            if (version <= current)
            {
                continue;
            }

            await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
            await dialect.LockForMigrationAsync(connection, transaction, cancellationToken);

            // Another instance may have applied it while this one waited for the lock.
            if (await dialect.SchemaVersionAsync(connection, transaction, cancellationToken) >= version)
            {
                await transaction.RollbackAsync(cancellationToken);
                current = version;
                continue;
            }

            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = sql + "\n" + dialect.RecordSchemaVersionSql(version);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            current = version;
        }

        return current;
    }

    private static Dictionary<string, IReadOnlyList<(int, string)>> LoadScripts()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var byFolder = new Dictionary<string, List<(int, string)>>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            // FamilyLinkBot.Migrations.<folder>.<NNNN_name>.sql
            var rest = name[ResourcePrefix.Length..];
            var folder = rest[..rest.IndexOf('.', StringComparison.Ordinal)];
            var file = rest[(folder.Length + 1)..];
            var version = int.Parse(file.AsSpan(0, file.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            if (!byFolder.TryGetValue(folder, out var list))
            {
                byFolder[folder] = list = [];
            }

            list.Add((version, reader.ReadToEnd()));
        }

        var result = new Dictionary<string, IReadOnlyList<(int, string)>>(StringComparer.Ordinal);
        foreach (var (folder, scripts) in byFolder)
        {
            scripts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
            for (var i = 1; i < scripts.Count; i++)
            {
                // Two branches that each added "the next" migration: one would be skipped silently on every database.
                if (scripts[i].Item1 == scripts[i - 1].Item1)
                {
                    throw new InvalidOperationException($"Two {folder} migrations share version {scripts[i].Item1}; renumber one.");
                }
            }

            result[folder] = scripts;
        }

        return result;
    }
}
