namespace FamilyLinkBot.Testing;

/// <summary>How an outage looks to the bot: Telegram's front answering 502 to everything, or no connection at all.</summary>
public enum OutageKind
{
    /// <summary>Every request is answered 502 Bad Gateway.</summary>
    BadGateway,

    /// <summary>Every request loses its connection before any answer (as when the network is down).</summary>
    NoConnection,
}

// Telegram as a whole unreachable: every method, getUpdates included, valid token or not, fails until it ends.
internal sealed class Outage(TimeProvider time)
{
    private readonly Lock _gate = new();
    private OutageKind _kind;
    private DateTimeOffset _until = DateTimeOffset.MinValue;

    public void Begin(OutageKind kind, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        lock (_gate)
        {
            _kind = kind;
            _until = time.GetUtcNow().Add(duration);
        }
    }

    public void End()
    {
        lock (_gate)
        {
            _until = DateTimeOffset.MinValue;
        }
    }

    /// <summary>The outage in force now, if any.</summary>
    public OutageKind? Now()
    {
        lock (_gate)
        {
            return time.GetUtcNow() < _until ? _kind : null;
        }
    }
}
