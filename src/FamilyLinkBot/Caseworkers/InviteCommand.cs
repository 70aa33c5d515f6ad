using FamilyLinkBot.Conversations;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Caseworkers;

/// <summary>/invite (admins): a one-time caseworker invite code, valid 48 h, shown once and stored only as its hash.</summary>
public sealed class InviteCommand(CaseworkerStore caseworkers, IOptions<CaseworkerOptions> options) : IBotCommand
{
    public string Name => "invite";

    public Role Role => Role.Admin;

    public string? DescriptionKey => null;

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        await caseworkers.PurgeInvitesAsync(turn.Db, turn.Now, cancellationToken);
        var validity = options.Value.InviteValidity;
        var code = await caseworkers.CreateInviteAsync(turn.Db, turn.Now, validity, cancellationToken);
        turn.Reply(turn.F("cw.invite.created", ("code", code.ToString()), ("hours", (int)validity.TotalHours)), sensitive: true);
    }
}
