using System.Globalization;
using System.Security.Cryptography;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;
using System.Data.Common;

namespace FamilyLinkBot.Cases;

/// <summary>
/// The <c>cases</c> and <c>case_history</c> tables. Details are encrypted with the family's data key and bound
/// to their row and column; a case is found by its token only through the token's keyed hash. Every family-side
/// method takes the family's chat and filters by it, so one family can never reach another's case.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class CaseStore(KeyStore keys)
{
    public const string TokenPurpose = "case-token";

    private const string Columns = "id, chat_ref, number, relation, alias, region, place_detail, since, status, created_at, updated_at, closed_at, token_form";

    public byte[] TokenHash(CaseToken token) => keys.Index.TokenHash(TokenPurpose, token.Normalized);

    public static FieldContext Field(string caseId, string column) => new("cases", column, caseId);

    public static FieldContext NoteField(long historyId) =>
        new("case_history", "note", historyId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Stores a new case with status reported and returns it with its token (shown once, never stored).</summary>
    public Task<(CaseSummary Case, CaseToken Token)> CreateAsync(
        UnitOfWork db, ChatRecord family, CaseDetails details, DateTimeOffset now, CancellationToken cancellationToken) =>
        CreateAsync(db, family, details, CaseCodeForm.Letters, now, cancellationToken);

    /// <summary>Stores a new case with status reported and a token of the given form; returns it with its token (shown once, never stored).</summary>
    public async Task<(CaseSummary Case, CaseToken Token)> CreateAsync(
        UnitOfWork db, ChatRecord family, CaseDetails details, CaseCodeForm form, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var token = CaseToken.NewToken(form);
        var key = family.Key;
        // The number is taken in the statement that inserts, under the unique index (chat_ref, number): when another
        // writer took it first (an engine that lets two writers in at once), nothing is inserted and the next is tried;
        // two cases never share a number. ON CONFLICT rather than catching the error: on PostgreSQL a failed statement
        // spoils the whole transaction.
        int? number = null;
        for (var attempt = 1; number is null; attempt++)
        {
            if (attempt > 5)
            {
                throw new InvalidOperationException("No free case number after five tries.");
            }

            await using var insert = db.Command(
                    """
                    INSERT INTO cases (id, chat_ref, number, token_hash, token_form, relation, alias, region, place_detail, since, status, created_at, updated_at)
                    SELECT @id, @chat, COALESCE(MAX(number), 0) + 1, @token, @form, @relation, @alias, @region, @detail, @since, @status, @now, @now
                    FROM cases WHERE chat_ref = @chat
                    ON CONFLICT (chat_ref, number) DO NOTHING
                    RETURNING number;
                    """)
                .With("@id", id)
                .With("@chat", family.Id)
                .With("@token", TokenHash(token))
                .With("@form", form.Code())
                .With("@relation", key.EncryptString(details.Relation, Field(id, "relation")))
                .With("@alias", details.Alias is null ? null : key.EncryptString(details.Alias, Field(id, "alias")))
                .With("@region", key.EncryptString(details.Region, Field(id, "region")))
                .With("@detail", details.PlaceDetail is null ? null : key.EncryptString(details.PlaceDetail, Field(id, "place_detail")))
                .With("@since", details.Since is null ? null : key.EncryptString(details.Since, Field(id, "since")))
                .With("@status", CaseStatus.Reported.Code())
                .With("@now", now.ToUnixTimeSeconds());
            if (await insert.ExecuteScalarAsync(cancellationToken) is { } taken and not DBNull)
            {
                number = Convert.ToInt32(taken, CultureInfo.InvariantCulture);
            }
        }

        await AddHistoryAsync(db, family.Key, id, CaseStatus.Reported, null, now, cancellationToken);
        var summary = new CaseSummary
        {
            Id = id,
            ChatRef = family.Id,
            Number = number.Value,
            Details = details,
            Status = CaseStatus.Reported,
            CreatedAt = now,
            UpdatedAt = now,
            CodeForm = form,
        };
        return (summary, token);
    }

    public async Task<List<CaseSummary>> ListAsync(UnitOfWork db, ChatRecord family, CancellationToken cancellationToken)
    {
        await using var command = db.Command($"SELECT {Columns} FROM cases WHERE chat_ref = @chat ORDER BY number;").With("@chat", family.Id);
        var cases = new List<CaseSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cases.Add(Read(reader, family.Key));
        }

        return cases;
    }

    /// <summary>The family's own case; null if the id is not theirs (or no longer exists).</summary>
    public async Task<CaseSummary?> GetAsync(UnitOfWork db, ChatRecord family, string caseId, CancellationToken cancellationToken)
    {
        await using var command = db.Command($"SELECT {Columns} FROM cases WHERE id = @id AND chat_ref = @chat;")
            .With("@id", caseId)
            .With("@chat", family.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, family.Key) : null;
    }

    /// <summary>The case id and its family's chat row for a token, or null (caseworker look-ups).</summary>
    public async Task<(string CaseId, string ChatRef)?> FindByTokenAsync(UnitOfWork db, CaseToken token, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT id, chat_ref FROM cases WHERE token_hash = @token;").With("@token", TokenHash(token));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>The family's chat row of a case, or null if the case is gone (caseworker answers by reference or reply).</summary>
    public async Task<string?> ChatRefOfAsync(UnitOfWork db, string caseId, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT chat_ref FROM cases WHERE id = @id;").With("@id", caseId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The keyed hash of the case's current token, or null if the case is gone (it changes with a new token).</summary>
    public async Task<byte[]?> TokenHashOfAsync(UnitOfWork db, string caseId, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT token_hash FROM cases WHERE id = @id;").With("@id", caseId);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    /// <summary>Gives the case a new letters token; the old one stops working at once, and so does every follow made through it.</summary>
    public Task<CaseToken> RotateTokenAsync(UnitOfWork db, ChatRecord family, string caseId, DateTimeOffset now, CancellationToken cancellationToken) =>
        RotateTokenAsync(db, family, caseId, CaseCodeForm.Letters, now, cancellationToken);

    /// <summary>Gives the case a new token of the given form; the old one stops working at once, and so does every follow made through it.</summary>
    public async Task<CaseToken> RotateTokenAsync(
        UnitOfWork db, ChatRecord family, string caseId, CaseCodeForm form, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = CaseToken.NewToken(form);
        await using var command = db.Command("UPDATE cases SET token_hash = @token, token_form = @form, updated_at = @now WHERE id = @id AND chat_ref = @chat;")
            .With("@token", TokenHash(token))
            .With("@form", form.Code())
            .With("@now", now.ToUnixTimeSeconds())
            .With("@id", caseId)
            .With("@chat", family.Id);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new InvalidOperationException("The case to give a new token does not belong to this chat.");
        }

        // Every follow was made through the old token (docs/DESIGN.md#44-relay): end them all, and remember whose ended, so those
        // caseworkers are not reached through "every caseworker" either until they open the case with the new token.
        await using var endFollows = db.Command(
                "INSERT INTO ended_follows (case_ref, caseworker_ref) SELECT case_ref, caseworker_ref FROM case_follows WHERE case_ref = @id ON CONFLICT DO NOTHING; " +
                "DELETE FROM case_follows WHERE case_ref = @id;")
            .With("@id", caseId);
        await endFollows.ExecuteNonQueryAsync(cancellationToken);
        return token;
    }

    /// <summary>Sets the status and records it in the history, with an optional note (encrypted).</summary>
    public async Task SetStatusAsync(
        UnitOfWork db, DataKey familyKey, string caseId, CaseStatus status, string? note, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var command = db.Command(
                "UPDATE cases SET status = @status, updated_at = @now, closed_at = CASE WHEN @status = 'closed' THEN COALESCE(closed_at, @now) ELSE NULL END WHERE id = @id;")
            .With("@status", status.Code())
            .With("@now", now.ToUnixTimeSeconds())
            .With("@id", caseId))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await AddHistoryAsync(db, familyKey, caseId, status, note, now, cancellationToken);
    }

    public async Task<List<CaseHistoryEntry>> HistoryAsync(UnitOfWork db, DataKey familyKey, string caseId, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT id, at, status, note FROM case_history WHERE case_ref = @case ORDER BY id;").With("@case", caseId);
        var entries = new List<CaseHistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var note = reader.GetBlobOrNull(3) is { } blob ? familyKey.DecryptString(blob, NoteField(reader.GetInt64(0))) : null;
            entries.Add(new CaseHistoryEntry(
                DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(1)),
                CaseStatuses.Parse(reader.GetString(2)) ?? CaseStatus.Reported,
                note));
        }

        return entries;
    }

    private async Task AddHistoryAsync(
        UnitOfWork db, DataKey familyKey, string caseId, CaseStatus status, string? note, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long historyId;
        await using (var insert = db.Command("INSERT INTO case_history (case_ref, at, status) VALUES (@case, @at, @status) RETURNING id;")
            .With("@case", caseId)
            .With("@at", now.ToUnixTimeSeconds())
            .With("@status", status.Code()))
        {
            historyId = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        if (!string.IsNullOrEmpty(note))
        {
            await using var update = db.Command("UPDATE case_history SET note = @note WHERE id = @id;")
                .With("@note", familyKey.EncryptString(note, NoteField(historyId)))
                .With("@id", historyId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static CaseSummary Read(DbDataReader reader, DataKey key)
    {
        var id = reader.GetString(0);
        string? Decrypt(int ordinal, string column) =>
            reader.GetBlobOrNull(ordinal) is { } blob ? key.DecryptString(blob, Field(id, column)) : null;

        return new CaseSummary
        {
            Id = id,
            ChatRef = reader.GetString(1),
            Number = reader.GetInt32(2),
            Details = new CaseDetails
            {
                Relation = Decrypt(3, "relation")!,
                Alias = Decrypt(4, "alias"),
                Region = Decrypt(5, "region")!,
                PlaceDetail = Decrypt(6, "place_detail"),
                Since = Decrypt(7, "since"),
            },
            Status = CaseStatuses.Parse(reader.GetString(8)) ?? CaseStatus.Reported,
            CreatedAt = DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(9)),
            UpdatedAt = DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(10)),
            ClosedAt = reader.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(11)),
            CodeForm = CaseCodeForms.Parse(reader.GetString(12)),
        };
    }
}
