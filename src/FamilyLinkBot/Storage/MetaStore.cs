namespace FamilyLinkBot.Storage;

/// <summary>Reads and writes the <c>meta</c> table of singletons.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class MetaStore
{
    public async Task<byte[]?> GetAsync(UnitOfWork db, string key, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT value FROM meta WHERE key = @key;").With("@key", key);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task SetAsync(UnitOfWork db, string key, byte[] value, CancellationToken cancellationToken)
    {
        await using var command = db.Command("INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;")
            .With("@key", key)
            .With("@value", value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
