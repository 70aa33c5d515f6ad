using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Storage;

/// <summary>
/// The work that must run in one process at a time against one database (feed polling, alert and broadcast fan-out,
/// sweepers and retention): each background service waits here for its role before every round of work
/// (docs/DESIGN.md#12-scale-out). On an engine several instances share (PostgreSQL) a role is a lock held by one
/// process; the others try again every <see cref="RetryInterval"/>, so when the holder dies another takes over within
/// that time. On SQLite there is one process and every role is this one's.
/// </summary>
public sealed class SingletonLeases(Database database, TimeProvider time, ILogger<SingletonLeases> logger) : IAsyncDisposable
{
    /// <summary>How often a process that does not hold a role tries to take it.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, HeldLock> _held = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Returns once this process holds <paramref name="role"/> (at once, when it already does).</summary>
    public async Task WaitForTurnAsync(string role, CancellationToken cancellationToken)
    {
        if (!database.Dialect.SharedByInstances)
        {
            return;
        }

        var announced = false;
        while (true)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (_held.TryGetValue(role, out var held))
                {
                    if (await held.StillHeldAsync(cancellationToken))
                    {
                        return;
                    }

                    _held.Remove(role);
                    await held.DisposeAsync();
                    logger.LogWarning("Lost the {Role} role (the database connection ended); taking it again when free.", role);
                }

                try
                {
                    if (await database.Dialect.TryHoldAsync(role, cancellationToken) is { } taken)
                    {
                        _held[role] = taken;
                        logger.LogInformation("This instance now runs {Role}.", role);
                        return;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("Could not ask the database for the {Role} role ({ErrorType}); trying again.", role, ex.GetType().Name);
                }
            }
            finally
            {
                _gate.Release();
            }

            if (!announced)
            {
                logger.LogInformation("Another instance runs {Role}; this one takes over if it stops.", role);
                announced = true;
            }

            await Task.Delay(RetryInterval, time, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var held in _held.Values)
        {
            await held.DisposeAsync();
        }

        _held.Clear();
        _gate.Dispose();
    }
}
