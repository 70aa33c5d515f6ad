using System.Diagnostics.CodeAnalysis;

namespace FamilyLinkBot.Delivery;

/// <summary>Who a broadcast goes to (docs/DESIGN.md#45-admin-commands): everyone, one language, one topic's or one region's subscribers.</summary>
public sealed record Audience(AudienceKind Kind, string Value)
{
    private static readonly (string Prefix, AudienceKind Kind)[] Prefixes =
        [("lang:", AudienceKind.Language), ("topic:", AudienceKind.Topic), ("region:", AudienceKind.Region)];

    public static Audience All { get; } = new(AudienceKind.All, "");

    /// <summary>Stored form: "all", "lang:ko", "topic:border", "region:jilin".</summary>
    public override string ToString() => Kind switch
    {
        AudienceKind.All => "all",
        AudienceKind.Language => "lang:" + Value,
        AudienceKind.Topic => "topic:" + Value,
        AudienceKind.Region => "region:" + Value,
    };

    public static bool TryParse(string? text, [NotNullWhen(true)] out Audience? audience)
    {
        audience = null;
        if (text == "all")
        {
            audience = All;
        }
        else if (text is not null)
        {
            foreach (var (prefix, kind) in Prefixes)
            {
                if (text.StartsWith(prefix, StringComparison.Ordinal) && text.Length > prefix.Length)
                {
                    audience = new Audience(kind, text[prefix.Length..]);
                }
            }
        }

        return audience is not null;
    }
}

public enum AudienceKind
{
    All,
    Language,
    Topic,
    Region,
}

/// <summary>
/// The SQL condition that selects an audience's recipients from <c>chats AS c</c> (only active chats are
/// ever considered), with the audience's value as <c>@value</c>. Alerts registers its own for Topic and Region
/// once subscriptions exist; the last registration of a kind wins.
/// </summary>
public interface IAudienceQuery
{
    AudienceKind Kind { get; }

    string Condition { get; }
}

public sealed class AllAudienceQuery : IAudienceQuery
{
    public AudienceKind Kind => AudienceKind.All;

    public string Condition => "1 = 1";
}

public sealed class LanguageAudienceQuery : IAudienceQuery
{
    public AudienceKind Kind => AudienceKind.Language;

    public string Condition => "c.language = @value";
}

/// <summary>Topic and region audiences are empty until subscriptions exist (alerts plugs in its query).</summary>
public sealed class EmptyAudienceQuery(AudienceKind kind) : IAudienceQuery
{
    public AudienceKind Kind => kind;

    public string Condition => "1 = 0";
}
