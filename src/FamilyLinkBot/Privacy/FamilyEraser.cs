using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Privacy;

/// <summary>
/// Erases a family (docs/DESIGN.md#3-cryptography, docs/DESIGN.md#5-erasure-and-retention): the wrapped data key goes first, so anything of theirs left in a backup or a
/// free page is unreadable (crypto-shredding); then every row. secure_delete overwrites the freed pages, and the
/// caller checkpoints the WAL after commit so the old pages leave the log too.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class FamilyEraser
{
    public async Task EraseAsync(UnitOfWork db, string chatRef, CancellationToken cancellationToken)
    {
        string[] statements =
        [
            $"UPDATE chats SET data_key = {db.Dialect.ZeroesLike("data_key")}, chat_id = {db.Dialect.ZeroesLike("chat_id")}, phrase = NULL WHERE id = @chat;",
            "DELETE FROM relay_messages WHERE case_ref IN (SELECT id FROM cases WHERE chat_ref = @chat);",
            "DELETE FROM case_follows WHERE case_ref IN (SELECT id FROM cases WHERE chat_ref = @chat) OR caseworker_ref = @chat;",
            "DELETE FROM caseworkers WHERE chat_ref = @chat;",
            "DELETE FROM case_history WHERE case_ref IN (SELECT id FROM cases WHERE chat_ref = @chat);",
            "DELETE FROM cases WHERE chat_ref = @chat;",
            "DELETE FROM tracked_messages WHERE chat_ref = @chat;",
            "DELETE FROM sessions WHERE chat_ref = @chat;",
            "DELETE FROM subscriptions WHERE chat_ref = @chat;",
            // Last: its outbox rows (queued for it, or relaying its words to caseworkers) and /panic mark go with it
            // (ON DELETE CASCADE); settled rows no longer name it.
            "DELETE FROM chats WHERE id = @chat;",
        ];
        foreach (var sql in statements)
        {
            await using var command = db.Command(sql).With("@chat", chatRef);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Erases one case and its history (a closed case past retention).</summary>
    public async Task EraseCaseAsync(UnitOfWork db, string caseId, CancellationToken cancellationToken)
    {
        foreach (var sql in new[]
                 {
                     "DELETE FROM relay_messages WHERE case_ref = @case;",
                     "DELETE FROM case_follows WHERE case_ref = @case;",
                     "DELETE FROM case_history WHERE case_ref = @case;",
                     "DELETE FROM cases WHERE id = @case;",
                 })
        {
            await using var command = db.Command(sql).With("@case", caseId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
