using FamilyLinkBot.Caseworkers;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Privacy;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FamilyLinkBot.Tests.Caseworkers;

/// <summary>
/// The /setup-claimed admin as each instance's <see cref="RoleResolver"/> sees it (docs/DESIGN.md#45-admin-commands):
/// a claim made on one instance makes an admin on the other without a restart, within
/// <see cref="ClaimedAdminCache.RefreshAfter"/>. Runs on the suite's store, as <see cref="TokenLookupLimiterTests"/>.
/// </summary>
public sealed class ClaimedAdminCacheTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private TwoInstances _instances = null!;

    public async Task InitializeAsync() => _instances = await TwoInstances.StartAsync();

    public Task DisposeAsync()
    {
        _instances.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ClaimOnAnotherInstanceMakesAnAdminWithoutARestart()
    {
        var (cacheA, resolverA) = Resolver(_instances.A, _instances.KeysA);
        var (_, resolverB) = Resolver(_instances.B, _instances.KeysB);
        using var claimant = await _instances.NewChatAsync(1);
        Assert.Equal(Role.Anyone, await RoleAsync(_instances.B, resolverB, claimant));

        await ClaimAsync(_instances.A, cacheA, claimant.Id);

        Assert.Equal(Role.Admin, await RoleAsync(_instances.A, resolverA, claimant)); // where it was claimed: at once
        _time.Advance(ClaimedAdminCache.RefreshAfter);
        Assert.Equal(Role.Admin, await RoleAsync(_instances.B, resolverB, claimant));
    }

    [Fact]
    public async Task UnclaimedRoleIsNotReadAgainOnEveryUpdate()
    {
        var (cacheA, _) = Resolver(_instances.A, _instances.KeysA);
        var (_, resolverB) = Resolver(_instances.B, _instances.KeysB);
        using var claimant = await _instances.NewChatAsync(1);
        Assert.Equal(Role.Anyone, await RoleAsync(_instances.B, resolverB, claimant));

        await ClaimAsync(_instances.A, cacheA, claimant.Id);
        _time.Advance(ClaimedAdminCache.RefreshAfter - TimeSpan.FromMilliseconds(1));

        Assert.Equal(Role.Anyone, await RoleAsync(_instances.B, resolverB, claimant)); // the bound: a claim takes up to RefreshAfter
    }

    [Fact]
    public async Task NewClaimAfterTheClaimantsErasureIsSeenByAnInstanceThatKnewTheOldOne()
    {
        var (cacheA, _) = Resolver(_instances.A, _instances.KeysA);
        var (_, resolverB) = Resolver(_instances.B, _instances.KeysB);
        using var first = await _instances.NewChatAsync(1);
        using var second = await _instances.NewChatAsync(2);
        await ClaimAsync(_instances.A, cacheA, first.Id);
        Assert.Equal(Role.Admin, await RoleAsync(_instances.B, resolverB, first));

        // The claimant erases their chat; after a restart of A the new code is claimed there by someone else.
        await using (var db = await _instances.A.BeginAsync())
        {
            await new FamilyEraser().EraseAsync(db, first.Id, CancellationToken.None);
            await db.CommitAsync();
        }

        var (restartedA, _) = Resolver(_instances.A, _instances.KeysA);
        await ClaimAsync(_instances.A, restartedA, second.Id);

        _time.Advance(ClaimedAdminCache.RefreshAfter);
        Assert.Equal(Role.Admin, await RoleAsync(_instances.B, resolverB, second));
    }

    private (ClaimedAdminCache Cache, RoleResolver Resolver) Resolver(Database database, KeyStore keys)
    {
        var cache = new ClaimedAdminCache(new ClaimedAdminStore(new MetaStore()), database, _time);
        return (cache, new RoleResolver(Options.Create(new AdminOptions()), cache, new CaseworkerStore(keys)));
    }

    /// <summary>What SetupCommand does once the code is right: the claim, committed, then this instance's cache told.</summary>
    private static async Task ClaimAsync(Database database, ClaimedAdminCache cache, string chatRef)
    {
        await using (var db = await database.BeginAsync())
        {
            Assert.True(await new ClaimedAdminStore(new MetaStore()).TryClaimAsync(db, chatRef, CancellationToken.None));
            await db.CommitAsync();
        }

        cache.Set(chatRef);
    }

    private static async Task<Role> RoleAsync(Database database, RoleResolver resolver, ChatRecord chat)
    {
        await using var db = await database.BeginAsync();
        return await resolver.ResolveAsync(db, userId: 1, chat, CancellationToken.None);
    }
}
