using FamilyLinkBot.Cases;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>A caseworker as admins see them: by pseudonym only (docs/DESIGN.md#45-admin-commands).</summary>
public sealed record CaseworkerEntry(string ChatRef, string Pseudonym, DateTimeOffset JoinedAt);

/// <summary>A case a caseworker follows, as /mycases lists it.</summary>
public sealed record FollowedCase(string CaseId, CaseStatus Status, DateTimeOffset UpdatedAt);

/// <summary>
/// The <c>caseworkers</c>, <c>caseworker_invites</c> and <c>case_follows</c> tables. Invite codes are found only
/// through their keyed hash; caseworkers are chats, listed by the pseudonym of their blind index.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class CaseworkerStore(KeyStore keys)
{
    public byte[] InviteHash(InviteCode code) => keys.Index.TokenHash(InviteCode.HashPurpose, code.Normalized);

    public async Task<InviteCode> CreateInviteAsync(UnitOfWork db, DateTimeOffset now, TimeSpan validity, CancellationToken cancellationToken)
    {
        var code = InviteCode.NewCode();
        await using var command = db.Command("INSERT INTO caseworker_invites (code_hash, created_at, expires_at) VALUES (@hash, @now, @expires);")
            .With("@hash", InviteHash(code))
            .With("@now", now.ToUnixTimeSeconds())
            .With("@expires", now.Add(validity).ToUnixTimeSeconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return code;
    }

    /// <summary>Uses the code up and makes the chat a caseworker; false if the code is unknown, used or expired.</summary>
    public async Task<bool> RedeemInviteAsync(UnitOfWork db, InviteCode code, string chatRef, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var use = db.Command("UPDATE caseworker_invites SET used_at = @now WHERE code_hash = @hash AND used_at IS NULL AND expires_at > @now;")
            .With("@now", now.ToUnixTimeSeconds())
            .With("@hash", InviteHash(code)))
        {
            if (await use.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        await using var join = db.Command(
                "INSERT INTO caseworkers (chat_ref, joined_at) VALUES (@chat, @now) " +
                "ON CONFLICT (chat_ref) DO UPDATE SET joined_at = excluded.joined_at, revoked_at = NULL;")
            .With("@chat", chatRef)
            .With("@now", now.ToUnixTimeSeconds());
        await join.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    /// <summary>Forgets invites that can no longer be used.</summary>
    public async Task PurgeInvitesAsync(UnitOfWork db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command("DELETE FROM caseworker_invites WHERE expires_at <= @now OR used_at IS NOT NULL;")
            .With("@now", now.ToUnixTimeSeconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> IsActiveAsync(UnitOfWork db, string chatRef, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT 1 FROM caseworkers WHERE chat_ref = @chat AND revoked_at IS NULL;").With("@chat", chatRef);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<List<CaseworkerEntry>> ListActiveAsync(UnitOfWork db, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
            "SELECT w.chat_ref, c.chat_index, w.joined_at FROM caseworkers w JOIN chats c ON c.id = w.chat_ref " +
            "WHERE w.revoked_at IS NULL ORDER BY w.joined_at, w.chat_ref;");
        var list = new List<CaseworkerEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new CaseworkerEntry(reader.GetString(0), Pseudonym.Of(reader.GetBlobOrNull(1)!), DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(2))));
        }

        return list;
    }

    /// <summary>Takes the role away at once (the role is read on every update) and drops the caseworker's follows.</summary>
    public async Task<bool> RevokeAsync(UnitOfWork db, string chatRef, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int changed;
        await using (var revoke = db.Command("UPDATE caseworkers SET revoked_at = @now WHERE chat_ref = @chat AND revoked_at IS NULL;")
            .With("@now", now.ToUnixTimeSeconds())
            .With("@chat", chatRef))
        {
            changed = await revoke.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var follows = db.Command("DELETE FROM case_follows WHERE caseworker_ref = @chat;").With("@chat", chatRef);
        await follows.ExecuteNonQueryAsync(cancellationToken);
        return changed == 1;
    }

    /// <summary>Follows the case (opened with its current token), which also undoes a follow ended by an earlier new token.</summary>
    public async Task FollowAsync(UnitOfWork db, string caseId, string caseworkerRef, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                "DELETE FROM ended_follows WHERE case_ref = @case AND caseworker_ref = @chat; " +
                "INSERT INTO case_follows (case_ref, caseworker_ref, since) VALUES (@case, @chat, @now) ON CONFLICT DO NOTHING;")
            .With("@case", caseId)
            .With("@chat", caseworkerRef)
            .With("@now", now.ToUnixTimeSeconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Who gets a family's message: the active caseworkers following the case, or, if none do, every active caseworker
    /// except those whose follow a new token ended (docs/DESIGN.md#44-relay).
    /// </summary>
    public async Task<List<string>> RecipientsAsync(UnitOfWork db, string caseId, CancellationToken cancellationToken)
    {
        var following = await ChatRefsAsync(
            db,
            "SELECT f.caseworker_ref FROM case_follows f JOIN caseworkers w ON w.chat_ref = f.caseworker_ref " +
            "WHERE f.case_ref = @case AND w.revoked_at IS NULL ORDER BY f.since, f.caseworker_ref;",
            caseId,
            cancellationToken);
        return following.Count > 0
            ? following
            : await ChatRefsAsync(
                db,
                "SELECT chat_ref FROM caseworkers WHERE revoked_at IS NULL " +
                "AND chat_ref NOT IN (SELECT caseworker_ref FROM ended_follows WHERE case_ref = @case) ORDER BY joined_at, chat_ref;",
                caseId,
                cancellationToken);
    }

    public async Task<List<FollowedCase>> FollowedAsync(UnitOfWork db, string caseworkerRef, CancellationToken cancellationToken)
    {
        await using var command = db.Command(
                "SELECT c.id, c.status, c.updated_at FROM case_follows f JOIN cases c ON c.id = f.case_ref " +
                "WHERE f.caseworker_ref = @chat ORDER BY c.updated_at DESC, c.id;")
            .With("@chat", caseworkerRef);
        var list = new List<FollowedCase>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new FollowedCase(
                reader.GetString(0),
                CaseStatuses.Parse(reader.GetString(1)) ?? CaseStatus.Reported,
                DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(2))));
        }

        return list;
    }

    private async Task<List<string>> ChatRefsAsync(UnitOfWork db, string sql, string? caseId, CancellationToken cancellationToken)
    {
        await using var command = db.Command(sql);
        if (caseId is not null)
        {
            command.With("@case", caseId);
        }

        var refs = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            refs.Add(reader.GetString(0));
        }

        return refs;
    }
}
