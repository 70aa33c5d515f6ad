using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Caseworkers;

/// <summary>/join CODE: redeems an invite and makes the sender a caseworker. Attempts count against the look-up limit.</summary>
public sealed class JoinCommand(CaseworkerStore caseworkers, TokenLookupLimiter limiter) : IBotCommand
{
    public string Name => "join";

    public Role Role => Role.Anyone;

    public string? DescriptionKey => null;

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        turn.IncomingIsSensitive = true; // the code is a secret until used
        if (turn.Role is Role.Caseworker)
        {
            turn.Reply(turn.T("cw.join.already"));
            return;
        }

        if (!await limiter.TryAcquireAsync(turn.Db, turn.Chat.Id, turn.Now, cancellationToken)
            || !InviteCode.TryParse(arguments, out var code)
            || !await caseworkers.RedeemInviteAsync(turn.Db, code, turn.Chat.Id, turn.Now, cancellationToken))
        {
            turn.Reply(turn.T("cw.join.invalid"));
            return;
        }

        turn.Session.EndFlow();
        turn.CloseMenu();
        turn.Reply(turn.T("cw.join.done") + "\n\n" + turn.T("cw.help"));
    }
}
