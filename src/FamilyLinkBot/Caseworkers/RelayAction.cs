using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Caseworkers;

/// <summary>"Message caseworker": until caseworkers exist (issue 5) it says so plainly rather than being a dead button.</summary>
public sealed class RelayAction : IMenuAction
{
    public string Prefix => "relay";

    public Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        turn.Reply(turn.T("relay.unavailable"));
        return Task.CompletedTask;
    }
}
