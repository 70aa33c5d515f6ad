namespace FamilyLinkBot.Tests.Support;

/// <summary>
/// A fact about several instances sharing one database, which only PostgreSQL allows (docs/DESIGN.md#12-scale-out):
/// it runs in the suite's PostgreSQL pass (<c>FLB_TEST_STORE=PostgreSQL</c>, as <c>.ci/run</c> does) and is skipped,
/// saying so, in the SQLite pass.
/// </summary>
public sealed class PostgresStoreFactAttribute : FactAttribute
{
    public PostgresStoreFactAttribute()
    {
        if (!TestStore.IsPostgreSql)
        {
            Skip = "several instances share a database only on PostgreSQL; this runs in the PostgreSQL pass (FLB_TEST_STORE=PostgreSQL).";
        }
    }
}
