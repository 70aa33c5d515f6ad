using System.Text;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The admin made with the one-time setup code: the random row id of their chat, kept in <c>meta</c> as
/// <c>setup_admin</c> (like a caseworker's row, it names a chat whose Telegram id is stored only encrypted).
/// At most one: the first claim wins. Erasing that chat (/forget) ends the role, since chat row ids are never reused.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class ClaimedAdminStore(MetaStore meta)
{
    internal const string MetaKey = "setup_admin";

    /// <summary>The claimed admin's chat row id, if one was claimed and the chat still exists.</summary>
    public async Task<string?> GetAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var command = db.Command($"SELECT m.value FROM meta m JOIN chats c ON c.id = {db.Dialect.BlobAsText("m.value")} WHERE m.key = @key;")
            .With("@key", MetaKey);
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] value ? Encoding.UTF8.GetString(value) : null;
    }

    /// <summary>Makes the chat the claimed admin unless a living one exists; true when it did.</summary>
    public async Task<bool> TryClaimAsync(UnitOfWork db, string chatRef, CancellationToken cancellationToken)
    {
        // One claim even when two people send the code to two instances at once: the second waits, then finds the first.
        await db.Dialect.LockAsync(db, "meta: " + MetaKey, cancellationToken);
        if (await GetAsync(db, cancellationToken) is not null)
        {
            return false;
        }

        await meta.SetAsync(db, MetaKey, Encoding.UTF8.GetBytes(chatRef), cancellationToken);
        return true;
    }
}
