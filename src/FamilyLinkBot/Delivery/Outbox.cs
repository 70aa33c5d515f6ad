using System.Text.Json;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// Writes messages to the durable outbox inside the caller's transaction, and wakes the dispatcher
/// after commit. The payload (text and buttons) is encrypted with the recipient chat's data key.
/// </summary>
public sealed class Outbox : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0);
    private int _newWork;

    public static FieldContext PayloadField(long itemId) =>
        new("outbox", "payload", itemId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static async Task<long> EnqueueAsync(
        UnitOfWork db, ChatRecord chat, Lane lane, OutgoingMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long id;
        await using (var insert = db.Command(
                "INSERT INTO outbox (chat_ref, lane, payload, not_before, created_at) VALUES ($chat, $lane, x'', $now, $now) RETURNING id;")
            .With("$chat", chat.Id)
            .With("$lane", (int)lane)
            .With("$now", now.ToUnixTimeMilliseconds()))
        {
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(message, SessionJson.Default.OutgoingMessage);
        await using var update = db.Command("UPDATE outbox SET payload = $payload WHERE id = $id;")
            .With("$payload", chat.Key.Encrypt(json, PayloadField(id)))
            .With("$id", id);
        await update.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    public static OutgoingMessage Decrypt(DataKey key, long itemId, byte[] payload) =>
        JsonSerializer.Deserialize(key.Decrypt(payload, PayloadField(itemId)), SessionJson.Default.OutgoingMessage)
        ?? throw new InvalidDataException("An outbox payload decrypted to nothing.");

    /// <summary>Tells the dispatcher there is work; call after the transaction that enqueued it commits.</summary>
    public void Wake()
    {
        Interlocked.Exchange(ref _newWork, 1);
        Nudge();
    }

    /// <summary>Wakes the dispatcher without new rows to read (a send finished: the chat's next item may go).</summary>
    internal void Nudge()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    public void Dispose() => _signal.Dispose();

    /// <summary>True (once) when work was announced since the last look.</summary>
    public bool TakeSignal() => Interlocked.Exchange(ref _newWork, 0) == 1;

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
