using FamilyLinkBot.Hosting;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Conversations;

/// <summary>Decides a user's role: admins by configured Telegram user id; everyone else is a family member.</summary>
public sealed class RoleResolver(IOptions<AdminOptions> admins)
{
    public Task<Role> ResolveAsync(UnitOfWork db, long userId, ChatRecord chat, CancellationToken cancellationToken)
    {
        _ = db;
        _ = chat;
        _ = cancellationToken;
        return Task.FromResult(admins.Value.UserIds.Contains(userId) ? Role.Admin : Role.Anyone);
    }
}
