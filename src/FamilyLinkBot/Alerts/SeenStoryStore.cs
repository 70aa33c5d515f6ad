using System.Security.Cryptography;
using System.Text;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// The <c>seen_stories</c> table: SHA-256 of each <see cref="StoryKey"/> of every story any feed has listed.
/// A plain hash, not a keyed blind index: story keys are published links and headlines, public and not about anyone
/// (docs/DESIGN.md#2-data-classification operational), so a key would protect nothing, and the hashes stay valid whatever happens to the keys.
/// Hashing only bounds the row size (keys may be 2,000 characters).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class SeenStoryStore
{
    /// <summary>Keys not listed by any feed for this long are forgotten; feeds drop stories long before.</summary>
    public static TimeSpan Retention { get; } = TimeSpan.FromDays(90);

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>
    /// Records the story's keys as seen now; returns true when none of them had been seen (a new story).
    /// Every key is stored, so a story first known by its link is also recognized later by its title.
    /// </summary>
    public async Task<bool> RecordAsync(UnitOfWork db, IReadOnlyList<string> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hashes = keys.Select(Hash).ToList();
        var isNew = true;
        foreach (var hash in hashes)
        {
            await using var exists = db.Command("SELECT 1 FROM seen_stories WHERE key_hash = @hash;").With("@hash", hash);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                isNew = false;
                break;
            }
        }

        foreach (var hash in hashes)
        {
            await using var upsert = db.Command(
                    "INSERT INTO seen_stories (key_hash, first_seen_at, last_seen_at) VALUES (@hash, @now, @now) " +
                    "ON CONFLICT(key_hash) DO UPDATE SET last_seen_at = @now;")
                .With("@hash", hash)
                .With("@now", now.ToUnixTimeSeconds());
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        return isNew;
    }

    public async Task<int> PruneAsync(UnitOfWork db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command("DELETE FROM seen_stories WHERE last_seen_at < @before;")
            .With("@before", (now - Retention).ToUnixTimeSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
