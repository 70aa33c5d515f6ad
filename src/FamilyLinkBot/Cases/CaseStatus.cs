namespace FamilyLinkBot.Cases;

/// <summary>The statuses of docs/DESIGN.md#42-case-statuses, in the order a case usually moves through them.</summary>
public enum CaseStatus
{
    Reported,
    Searching,
    Located,
    Detained,
    AtRisk,
    Repatriated,
    Released,
    Safe,
    Closed,
}

public static class CaseStatuses
{
    public static IReadOnlyList<CaseStatus> All { get; } = Enum.GetValues<CaseStatus>();

    /// <summary>The status as stored and as caseworkers type it (e.g. "at-risk").</summary>
    public static string Code(this CaseStatus status) => status switch
    {
        CaseStatus.Reported => "reported",
        CaseStatus.Searching => "searching",
        CaseStatus.Located => "located",
        CaseStatus.Detained => "detained",
        CaseStatus.AtRisk => "at-risk",
        CaseStatus.Repatriated => "repatriated",
        CaseStatus.Released => "released",
        CaseStatus.Safe => "safe",
        CaseStatus.Closed => "closed",
    };

    /// <summary>The resource key of the status's label.</summary>
    public static string LabelKey(this CaseStatus status) => "status." + status.Code().Replace('-', '_');

    public static CaseStatus? Parse(string? code)
    {
        var wanted = code?.Trim().ToLowerInvariant().Replace('_', '-');
        foreach (var status in All)
        {
            if (status.Code() == wanted)
            {
                return status;
            }
        }

        return null;
    }
}
