using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// A sliding one-minute window of token and invite-code look-ups per chat (docs/DESIGN.md#43-caseworkers), in memory: a restart
/// forgives, which is acceptable for a limit that only has to make guessing 80-bit tokens hopeless. Keyed by the
/// chat's random row id, never by a Telegram id.
/// </summary>
public sealed class TokenLookupLimiter(IOptions<CaseworkerOptions> options)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int PruneAbove = 10_000;

    private readonly Dictionary<string, Queue<DateTimeOffset>> _recent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Counts one look-up; false when the chat is over its limit (the look-up must then not happen).</summary>
    public bool TryAcquire(string chatRef, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_recent.Count > PruneAbove)
            {
                Prune(now);
            }

            if (!_recent.TryGetValue(chatRef, out var times))
            {
                _recent[chatRef] = times = new Queue<DateTimeOffset>();
            }

            while (times.Count > 0 && now - times.Peek() >= Window)
            {
                times.Dequeue();
            }

            if (times.Count >= options.Value.TokenLookupsPerMinute)
            {
                return false;
            }

            times.Enqueue(now);
            return true;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, times) in _recent.ToList())
        {
            if (times.Count == 0 || now - times.Last() >= Window)
            {
                _recent.Remove(key);
            }
        }
    }
}
