namespace FamilyLinkBot.Privacy;

/// <summary>The <c>Retention</c> configuration section (docs/DESIGN.md#5-erasure-and-retention).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Families who have not written for this many days are erased.</summary>
    public int InactiveFamilyDays { get; set; } = 365;

    /// <summary>Cases closed this many days ago are erased.</summary>
    public int ClosedCaseDays { get; set; } = 180;

    /// <summary>Finished or cancelled broadcasts (their encrypted text and counts) are deleted this many days after they end.</summary>
    public int BroadcastDays { get; set; } = 30;

    /// <summary>How often the retention sweep runs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromDays(1);
}
