namespace FamilyLinkBot.Cases;

/// <summary>What a family told about the person (all of it identifying, so encrypted at rest).</summary>
public sealed record CaseDetails
{
    public required string Relation { get; init; }

    public string? Alias { get; init; }

    public required string Region { get; init; }

    public string? PlaceDetail { get; init; }

    /// <summary>"YYYY-MM" or "YYYY-MM-DD", or null when unknown.</summary>
    public string? Since { get; init; }
}

/// <summary>A case as its family sees it.</summary>
public sealed record CaseSummary
{
    public required string Id { get; init; }

    public required string ChatRef { get; init; }

    public required int Number { get; init; }

    public required CaseDetails Details { get; init; }

    public required CaseStatus Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The form of the case's current token (letters for cases made before word codes existed).</summary>
    public Crypto.CaseCodeForm CodeForm { get; init; }
}

/// <summary>One entry of a case's history (docs/DESIGN.md#42-case-statuses).</summary>
public sealed record CaseHistoryEntry(DateTimeOffset At, CaseStatus Status, string? Note);
