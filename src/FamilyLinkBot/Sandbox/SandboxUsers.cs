namespace FamilyLinkBot.Sandbox;

/// <summary>
/// The three emulated people of the sandbox. Their ids are fixed so that a sandbox data folder stays consistent
/// across runs (the bot's database knows them by these ids, and the admin's id is in the configuration).
/// </summary>
public static class SandboxUsers
{
    public const long FamilyId = 5_100_000_011;
    public const long CaseworkerId = 5_100_000_022;
    public const long AdminId = 5_100_000_033;
}
