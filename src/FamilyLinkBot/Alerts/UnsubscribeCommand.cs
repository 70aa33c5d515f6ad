using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Alerts;

/// <summary>/unsubscribe (docs/DESIGN.md#41-family-commands): every topic and region off, and alerts about the family's case regions off.</summary>
public sealed class UnsubscribeCommand(SubscriptionStore subscriptions) : IBotCommand
{
    public string Name => "unsubscribe";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => "cmd.unsubscribe";

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        await subscriptions.ClearAsync(turn.Db, turn.Chat.Id, cancellationToken);
        turn.CloseMenu();
        turn.Reply(turn.T("unsubscribe.done"));
    }
}
