namespace FamilyLinkBot.Delivery;

/// <summary>Outbox priority: replies to someone chatting now go before notices, notices before bulk (docs/DESIGN.md#8-delivery).</summary>
public enum Lane
{
    Interactive = 0,
    Notice = 1,
    Bulk = 2,
}
