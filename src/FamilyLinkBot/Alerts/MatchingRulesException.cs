namespace FamilyLinkBot.Alerts;

/// <summary>
/// The matching rules file is missing, is not valid JSON, or breaks a rule of its format
/// (unknown topic or region id, empty keyword, duplicate rule). The message names the file and the problem.
/// </summary>
public sealed class MatchingRulesException : Exception
{
    public MatchingRulesException()
    {
    }

    public MatchingRulesException(string message)
        : base(message)
    {
    }

    public MatchingRulesException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
