using FamilyLinkBot.Caseworkers;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Conversations;

/// <summary>
/// Decides a user's role on every update: admins by configured Telegram user id; caseworkers by an active (not
/// revoked) row in the caseworkers table, so a revocation takes effect on the very next update; everyone else is a
/// family member. The admin made with the one-time /setup code is found by their chat's row id, read again every few
/// seconds (<see cref="ClaimedAdminCache"/>), so a claim made on another instance counts here within them. The bot
/// works in private chats only, where the chat is the user's own.
/// </summary>
public sealed class RoleResolver(IOptions<AdminOptions> admins, ClaimedAdminCache claimed, CaseworkerStore caseworkers)
{
    public async Task<Role> ResolveAsync(UnitOfWork db, long userId, ChatRecord chat, CancellationToken cancellationToken)
    {
        if (admins.Value.UserIds.Contains(userId) || await claimed.GetAsync(cancellationToken) == chat.Id)
        {
            return Role.Admin;
        }

        return await caseworkers.IsActiveAsync(db, chat.Id, cancellationToken) ? Role.Caseworker : Role.Anyone;
    }
}
