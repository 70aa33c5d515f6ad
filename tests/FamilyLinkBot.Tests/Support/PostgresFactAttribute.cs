namespace FamilyLinkBot.Tests.Support;

/// <summary>
/// A fact that needs PostgreSQL (<see cref="PostgresServer"/>). Outside CI it is skipped, saying why, when
/// FLB_TEST_POSTGRES is not set and no server is installed to start one; in CI (CI=true) it always runs, so a missing
/// server fails loudly instead of shrinking the suite.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true" && PostgresServer.Unavailable() is { } reason)
        {
            Skip = reason + ".";
        }
    }
}
