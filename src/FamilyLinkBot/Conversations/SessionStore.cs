using System.Text.Json;
using System.Text.Json.Serialization;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Conversations;

/// <summary>The <c>sessions</c> table: each chat's <see cref="Session"/>, as JSON encrypted with the chat's data key.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "An injected instance on purpose: the table's one owner, replaceable for another engine (docs/DESIGN.md#12-scale-out).")]
public sealed class SessionStore
{
    public static FieldContext StateField(string chatRef) => new("sessions", "state", chatRef);

    public async Task<Session> LoadAsync(UnitOfWork db, ChatRecord chat, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT state FROM sessions WHERE chat_ref = @id;").With("@id", chat.Id);
        if (await command.ExecuteScalarAsync(cancellationToken) is not byte[] blob)
        {
            return new Session();
        }

        var json = chat.Key.Decrypt(blob, StateField(chat.Id));
        return JsonSerializer.Deserialize(json, SessionJson.Default.Session) ?? new Session();
    }

    public async Task SaveAsync(UnitOfWork db, ChatRecord chat, Session session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(session, SessionJson.Default.Session);
        var blob = chat.Key.Encrypt(json, StateField(chat.Id));
        await using var command = db.Command(
                "INSERT INTO sessions (chat_ref, state, updated_at) VALUES (@id, @state, @now) " +
                "ON CONFLICT (chat_ref) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at;")
            .With("@id", chat.Id)
            .With("@state", blob)
            .With("@now", now.ToUnixTimeSeconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Session))]
[JsonSerializable(typeof(OutgoingMessage))]
internal sealed partial class SessionJson : JsonSerializerContext;
