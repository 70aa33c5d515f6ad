namespace FamilyLinkBot.Alerts;

// Every exception the Alerts feature throws is made here, so messages stay consistent and reviewable in one place.
internal static class AlertsError
{
    public static MatchingRulesException RulesUnreadable(string source, string reason) =>
        new($"Matching rules '{source}' could not be read: {reason}");

    public static MatchingRulesException RulesMalformedJson(string source, string reason) =>
        new($"Matching rules '{source}' are not valid JSON: {reason}");

    public static MatchingRulesException RulesInvalid(string source, string problem) =>
        new($"Matching rules '{source}' are invalid: {problem}");

    public static InvalidOperationException DefaultRulesMissing(string resourceName) =>
        new($"The built-in matching rules resource '{resourceName}' is missing from the assembly.");

    public static ArgumentOutOfRangeException OptionOutOfRange(string paramName, string key, string requirement) =>
        new(paramName, $"News option '{key}' {requirement}.");
}
