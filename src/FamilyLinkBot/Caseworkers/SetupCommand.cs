using FamilyLinkBot.Conversations;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// /setup CODE: the first admin, for an operator who cannot know their numeric Telegram id (the logs never show
/// ids). Any failure — a wrong, used or expired code, an admin already there, too many attempts — answers exactly as
/// an unknown command does, and attempts count against the same limit as invite codes and case tokens.
/// </summary>
public sealed class SetupCommand(AdminSetupCode code, TokenLookupLimiter limiter, ClaimedAdminCache claimed, ClaimedAdminStore claims, ILogger<SetupCommand> logger) : IBotCommand
{
    public string Name => "setup";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => null;

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true; // the code is a secret until used
        if (turn.Role is Role.Admin
            || !await limiter.TryAcquireAsync(turn.Db, turn.Chat.Id, turn.Now, cancellationToken)
            || !code.TryRedeem(arguments)
            || !await claims.TryClaimAsync(turn.Db, turn.Chat.Id, cancellationToken))
        {
            turn.Reply(turn.T("unknown_command"));
            return;
        }

        var chatRef = turn.Chat.Id;
        turn.AfterCommit(_ =>
        {
            claimed.Set(chatRef);
            return Task.CompletedTask;
        });
        logger.LogWarning("Chat {Chat} became an admin with the one-time setup code.", turn.Chat.Pseudonym);
        turn.Session.EndFlow();
        turn.CloseMenu();
        turn.Reply(turn.T("setup.done") + "\n\n" + turn.T("admin.help"));
    }
}
