namespace FamilyLinkBot.Cases;

/// <summary>The fixed answers of the register flow (docs/DESIGN.md#41-family-commands): stored as these codes, shown through resources.</summary>
public static class CaseChoices
{
    public static IReadOnlyList<string> Relations { get; } = ["parent", "child", "spouse", "sibling", "other", "friend"];

    public static IReadOnlyList<string> Regions { get; } =
        ["liaoning", "jilin", "heilongjiang", "inner_mongolia", "elsewhere_china", "southeast_asia", "russia", "unknown"];

    public static string RelationKey(string code) => "relation." + code;

    public static string RegionKey(string code) => "region." + code;
}
