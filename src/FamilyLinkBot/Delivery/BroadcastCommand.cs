using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Delivery;

/// <summary>/broadcast (admins, docs/DESIGN.md#45-admin-commands): compose, choose the audience, preview with the count, Send or Cancel.</summary>
public sealed class BroadcastCommand : IBotCommand
{
    public string Name => "broadcast";

    public Role Role => Role.Admin;

    public string? DescriptionKey => null;

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        turn.CloseMenu();
        BroadcastActions.Begin(turn);
        return Task.CompletedTask;
    }
}
