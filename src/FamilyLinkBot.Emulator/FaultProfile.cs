namespace FamilyLinkBot.Testing;

/// <summary>
/// Random faults for soak runs: each request independently fails with 429, 502 or a dropped
/// connection at the given rates (0–1). The same seed gives the same sequence of decisions.
/// </summary>
public sealed record FaultProfile(double Rate429 = 0, double Rate502 = 0, double RateDrop = 0, int Seed = 42)
{
    /// <summary>The retry_after (seconds) carried by a random 429.</summary>
    public int RetryAfter { get; init; } = 1;

    /// <summary>Methods spared from random faults (getUpdates by default, so polling stays calm).</summary>
    public IReadOnlySet<string> ExemptMethods { get; init; } =
        new HashSet<string>(["getUpdates"], StringComparer.OrdinalIgnoreCase);
}
