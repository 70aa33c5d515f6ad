using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// Tells an outage from a failure (docs/DESIGN.md#8-delivery). Every request to Telegram reports here whether Telegram answered (any
/// answer, even 400, 403 or 429, shows it is reachable) or not (5xx, network error, time-out). After
/// <see cref="FailuresToOpen"/> unanswered requests in a row, from at least two different senders (messages or
/// getUpdates), the circuit opens: all sending pauses, and one send at a time probes, at growing intervals from one
/// second up to a minute, until Telegram answers again. A failure counts against a message only when Telegram
/// answered something else meanwhile (<see cref="CountsAgainstMessage"/>), so an outage spends no attempts.
/// Runs on real time: outages are about the wall clock.
/// </summary>
public sealed class TelegramCircuit
{
    internal const int FailuresToOpen = 5;
    internal static readonly TimeSpan FirstProbe = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan LongestProbe = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _clock;
    private readonly ILogger<TelegramCircuit> _logger;
    private readonly Lock _gate = new();
    private readonly HashSet<long> _failingSenders = [];
    private long _lastAnswer;
    private long _lastOpened;
    private int _failures;
    private DateTimeOffset? _openSince;
    private TimeSpan _probeInterval;
    private long _nextProbe;
    private bool _probing;
    private long _lastLog;

    public TelegramCircuit(ILogger<TelegramCircuit> logger)
        : this(TimeProvider.System, logger)
    {
    }

    internal TelegramCircuit(TimeProvider clock, ILogger<TelegramCircuit> logger)
    {
        _clock = clock;
        _logger = logger;
    }

    /// <summary>The sender id getUpdates reports with (outbox ids are positive).</summary>
    public const long Polling = -1;

    /// <summary>True while sending is paused because Telegram cannot be reached.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _openSince is not null;
            }
        }
    }

    /// <summary>When the current outage began; null when Telegram answers.</summary>
    public DateTimeOffset? OpenSince
    {
        get
        {
            lock (_gate)
            {
                return _openSince;
            }
        }
    }

    /// <summary>A timestamp on the circuit's clock, for <see cref="CountsAgainstMessage"/>.</summary>
    public long Now() => _clock.GetTimestamp();

    /// <summary>Telegram answered a request (any status below 500).</summary>
    public void Answered()
    {
        lock (_gate)
        {
            _lastAnswer = _clock.GetTimestamp();
            _failures = 0;
            _failingSenders.Clear();
            if (_openSince is { } since)
            {
                _openSince = null;
                _probing = false;
                _logger.LogInformation(
                    "Telegram answers again after {Minutes:0.#} min unreachable; sending resumes.", (_clock.GetUtcNow() - since).TotalMinutes);
            }
        }
    }

    /// <summary>A request of <paramref name="sender"/> (an outbox id, or <see cref="Polling"/>) got no answer.</summary>
    public void Unreachable(long sender)
    {
        lock (_gate)
        {
            _failures++;
            _failingSenders.Add(sender);
            if (_openSince is null && _failures >= FailuresToOpen && _failingSenders.Count >= 2)
            {
                var now = _clock.GetTimestamp();
                _openSince = _clock.GetUtcNow();
                _lastOpened = now;
                _probeInterval = FirstProbe;
                _nextProbe = now + Ticks(FirstProbe);
                _lastLog = now;
                _logger.LogWarning("Telegram cannot be reached: all sending is paused since {Since:u}; no message loses an attempt.", _openSince);
            }
        }
    }

    /// <summary>
    /// Whether a failed attempt of a message that started at <paramref name="since"/> (its previous failure, or this
    /// attempt's start) is the message's own: Telegram answered something since, and no outage was declared since.
    /// </summary>
    public bool CountsAgainstMessage(long since)
    {
        lock (_gate)
        {
            return _openSince is null && _lastAnswer > since && _lastOpened <= since;
        }
    }

    /// <summary>
    /// May a send start now? Always while the circuit is closed; while it is open, one probe at a time when its
    /// interval has passed (<paramref name="probe"/> is then true and <see cref="ProbeFinished"/> must follow).
    /// Otherwise <paramref name="wait"/> says how long to wait before asking again.
    /// </summary>
    public bool TryStartSend(out bool probe, out TimeSpan wait)
    {
        lock (_gate)
        {
            probe = false;
            wait = TimeSpan.Zero;
            if (_openSince is null)
            {
                return true;
            }

            var now = _clock.GetTimestamp();
            if (now - _lastLog >= Ticks(LogInterval))
            {
                _lastLog = now;
                _logger.LogWarning("Sending is still paused: Telegram cannot be reached since {Since:u}.", _openSince);
            }

            if (_probing || now < _nextProbe)
            {
                wait = _probing ? FirstProbe : TimeSpan.FromSeconds((double)(_nextProbe - now) / _clock.TimestampFrequency);
                return false;
            }

            _probing = true;
            probe = true;
            return true;
        }
    }

    /// <summary>A probe's request is over; its outcome was reported. Still unreachable: the next probe waits twice as long.</summary>
    public void ProbeFinished()
    {
        lock (_gate)
        {
            _probing = false;
            if (_openSince is not null)
            {
                _probeInterval = TimeSpan.FromTicks(Math.Min(_probeInterval.Ticks * 2, LongestProbe.Ticks));
                _nextProbe = _clock.GetTimestamp() + Ticks(_probeInterval);
            }
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _clock.TimestampFrequency);
}
