using FamilyLinkBot.Delivery;

namespace FamilyLinkBot.Alerts;

/// <summary>The chats subscribed to a region with /subscribe.</summary>
public sealed class RegionAudienceQuery : IAudienceQuery
{
    public AudienceKind Kind => AudienceKind.Region;

    public string Condition => "EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_ref = c.id AND s.kind = 'region' AND s.value = @value)";
}
