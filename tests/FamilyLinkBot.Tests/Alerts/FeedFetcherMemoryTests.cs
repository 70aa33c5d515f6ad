using FamilyLinkBot.Alerts;
using FamilyLinkBot.Testing.Feeds;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Tests.Alerts;

// Allocation is counted process-wide, so this runs alone (see FeedFetcherMemoryCollection).
[Collection(FeedFetcherMemoryCollection.Name)]
public sealed class FeedFetcherMemoryTests
{
    [Fact]
    public async Task TwentyMegabyteFeedIsNotBufferedWhole()
    {
        await using var server = await FeedServer.StartAsync();
        server.SetHuge("huge", 20_000_000);
        using var http = new HttpClient();
        var fetcher = new FeedFetcher(http, TimeProvider.System, Options.Create(new NewsOptions()));

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await fetcher.FetchAsync(new FeedSource("huge", server.UrlFor("huge"), null), null, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(FeedFetchStatus.Failed, result.Status);
        Assert.True(allocated < 12_000_000, $"allocated {allocated} bytes for a 20 MB feed capped at 2 MB");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FeedFetcherMemoryCollection
{
    public const string Name = "Feed fetcher memory";
}
