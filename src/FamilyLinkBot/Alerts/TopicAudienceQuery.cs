using FamilyLinkBot.Delivery;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// Broadcast audiences by topic and region (docs/DESIGN.md#45-admin-commands): the chats subscribed to it with /subscribe. Regions of
/// families' own cases are encrypted and cannot be selected in SQL, so a region audience is its explicit subscribers.
/// </summary>
public sealed class TopicAudienceQuery : IAudienceQuery
{
    public AudienceKind Kind => AudienceKind.Topic;

    public string Condition => "EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_ref = c.id AND s.kind = 'topic' AND s.value = @value)";
}
