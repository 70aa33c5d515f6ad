using FamilyLinkBot.Delivery;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>Broadcast audiences by topic and region, and /stats, count the families who chose them in /subscribe.</summary>
public sealed class SubscriptionAudienceTests : EmulatedBotTest
{

    [Fact]
    public async Task TopicAndRegionAudiencesAreTheirSubscribers()
    {
        var border = await CaseFlowTests.OnboardAsync(Emulator);
        await border.Says("/subscribe");
        await border.Presses(CaseFlowTests.En("topic.border"));
        await border.Presses(CaseFlowTests.En("region.jilin"));
        var other = await CaseFlowTests.OnboardAsync(Emulator);
        await other.Says("/subscribe");
        await other.Presses(CaseFlowTests.En("topic.rallies"));

        await using var db = await Bot.Service<Database>().BeginAsync();
        var store = Bot.Service<BroadcastStore>();
        Assert.Equal(1, await store.CountAsync(db, new Audience(AudienceKind.Topic, "border"), CancellationToken.None));
        Assert.Equal(1, await store.CountAsync(db, new Audience(AudienceKind.Topic, "rallies"), CancellationToken.None));
        Assert.Equal(0, await store.CountAsync(db, new Audience(AudienceKind.Topic, "policy"), CancellationToken.None));
        Assert.Equal(1, await store.CountAsync(db, new Audience(AudienceKind.Region, "jilin"), CancellationToken.None));
        Assert.Equal(0, await store.CountAsync(db, new Audience(AudienceKind.Region, "russia"), CancellationToken.None));
        Assert.Equal(2, await store.CountAsync(db, Audience.All, CancellationToken.None));
    }
}
