using FamilyLinkBot.Storage;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.Storage;

/// <summary>
/// Writers side by side on PostgreSQL (docs/DESIGN.md#what-may-run-once-and-what-may-run-many-times): two transactions
/// that take two chats' locks in opposite orders (an update pushing into another chat's session while that chat's
/// update pushes back) deadlock; the server breaks one off, and the dialect calls that error retryable, so the update
/// group runs again instead of apologising.
/// </summary>
public sealed class PostgreSqlDeadlockTests
{
    [PostgresFact]
    public async Task OppositeChatLocksDeadlockAndTheLoserIsRetryable()
    {
        await using var server = await PostgresDatabase.CreateAsync();
        using var database = new Database(new PostgreSqlDialect(server.ConnectionString));
        byte[] first = [1, 2, 3], second = [4, 5, 6];
        using var bothHoldOne = new Barrier(2);

        async Task<Exception?> RunAsync(byte[] mine, byte[] theirs)
        {
            try
            {
                await using var db = await database.BeginAsync();
                await db.Dialect.LockChatsAsync(db, [mine], CancellationToken.None);
                await Task.Run(() => bothHoldOne.SignalAndWait(TimeSpan.FromSeconds(10)));
                await db.Dialect.LockChatsAsync(db, [theirs], CancellationToken.None);
                await db.CommitAsync();
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }

        var outcomes = await Task.WhenAll(RunAsync(first, second), RunAsync(second, first));

        var failed = Assert.Single(outcomes, o => o is not null);
        Assert.True(database.Dialect.IsRetryable(failed!), $"{database.Dialect.DescribeError(failed!)} is not retryable");
        Assert.False(database.Dialect.IsRetryable(new InvalidOperationException("not the database's")));
    }
}
