using FamilyLinkBot.Delivery;
using Microsoft.Extensions.Time.Testing;

namespace FamilyLinkBot.Tests.Delivery;

public sealed class SendSchedulerTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static DueItem Item(long id, string chat, Lane lane) => new(id, chat, lane, 0, Start, lane == Lane.Bulk ? 1 : null);

    [Fact]
    public void TakeWithBulkWaitingGivesTheSlotToAReply()
    {
        var scheduler = new SendScheduler(new FakeTimeProvider());
        scheduler.Replace([Item(1, "a", Lane.Bulk), Item(2, "b", Lane.Bulk), Item(3, "c", Lane.Notice), Item(9, "d", Lane.Interactive)], Start);

        Assert.Equal(9, scheduler.Take(Start)!.Id);
        Assert.Equal(3, scheduler.Take(Start)!.Id);
        Assert.Equal(1, scheduler.Take(Start)!.Id);
    }

    [Fact]
    public void TakeWithChatBusyKeepsItsOrderAndServesOthers()
    {
        var scheduler = new SendScheduler(new FakeTimeProvider());
        scheduler.Replace([Item(1, "a", Lane.Interactive), Item(2, "a", Lane.Interactive), Item(3, "b", Lane.Interactive)], Start);

        var first = scheduler.Take(Start)!;
        Assert.Equal(1, first.Id);
        Assert.Equal(3, scheduler.Take(Start)!.Id);
        Assert.Null(scheduler.Take(Start));

        // A failed send goes back ahead of its chat's later items.
        scheduler.Finished(first, Start.AddSeconds(2));
        Assert.Null(scheduler.Take(Start.AddSeconds(1)));
        Assert.Equal(1, scheduler.Take(Start.AddSeconds(2))!.Id);
    }

    [Fact]
    public void TakeForOneChatSendsRepliesInARowButBulkOncePerSecond()
    {
        var clock = new FakeTimeProvider();
        var scheduler = new SendScheduler(clock);
        scheduler.Replace([Item(1, "a", Lane.Interactive), Item(2, "a", Lane.Interactive), Item(3, "a", Lane.Interactive), Item(4, "a", Lane.Bulk)], Start);
        for (var id = 1; id <= 3; id++)
        {
            var item = scheduler.Take(Start)!;
            Assert.Equal(id, item.Id);
            scheduler.Finished(item, null);
        }

        Assert.Null(scheduler.Take(Start)); // bulk waits a second after the chat's last send
        clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Null(scheduler.Take(Start));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(4, scheduler.Take(Start)!.Id);
    }

    [Fact]
    public void ReplaceWithStaleReadDoesNotBringBackASentItem()
    {
        var scheduler = new SendScheduler(new FakeTimeProvider());
        var item = Item(1, "a", Lane.Bulk);
        scheduler.Replace([item], Start);
        var taken = scheduler.Take(Start)!;
        scheduler.BeginRefresh();
        scheduler.Finished(taken, null);
        scheduler.Replace([item], Start.AddSeconds(5)); // read before the send was recorded

        Assert.Null(scheduler.Take(Start.AddSeconds(5)));
    }

    [Fact]
    public void TakeWithManyChatsReplyingServesEachChatsFirstReplyBeforeAnySecond()
    {
        var scheduler = new SendScheduler(new FakeTimeProvider());
        scheduler.Replace(
            [
                Item(1, "a", Lane.Interactive), Item(2, "a", Lane.Interactive), Item(3, "a", Lane.Interactive),
                Item(4, "b", Lane.Interactive), Item(5, "b", Lane.Interactive), Item(6, "b", Lane.Interactive),
                Item(7, "c", Lane.Interactive), Item(8, "c", Lane.Interactive),
                Item(9, "d", Lane.Bulk),
            ],
            Start);

        var order = new List<long>();
        while (scheduler.Take(Start) is { } item)
        {
            order.Add(item.Id);
            scheduler.Finished(item, null); // answered at once, as on a fast loopback
        }

        Assert.Equal([1, 4, 7, 2, 5, 8, 3, 6, 9], order);
    }

    [Fact]
    public void TakeForAChatThatArrivesLateServesItsFirstReplyBeforeOthersLaterOnes()
    {
        var scheduler = new SendScheduler(new FakeTimeProvider());
        scheduler.Replace([Item(1, "a", Lane.Interactive), Item(2, "a", Lane.Interactive), Item(3, "a", Lane.Interactive)], Start);
        var first = scheduler.Take(Start)!;
        scheduler.Finished(first, null);

        scheduler.BeginRefresh();
        scheduler.Replace([Item(2, "a", Lane.Interactive), Item(3, "a", Lane.Interactive), Item(4, "b", Lane.Interactive), Item(5, "b", Lane.Interactive)], Start);

        var order = new List<long>();
        while (scheduler.Take(Start) is { } item)
        {
            order.Add(item.Id);
            scheduler.Finished(item, null);
        }

        Assert.Equal([4, 2, 5, 3], order);
    }

    [Fact]
    public void TakeForAChatWhoseRepliesAllWentOutStartsItAtTheFirstRoundAgain()
    {
        var scheduler = new SendScheduler(new FakeTimeProvider());
        scheduler.Replace([Item(1, "a", Lane.Interactive), Item(2, "b", Lane.Interactive), Item(3, "b", Lane.Interactive), Item(4, "b", Lane.Interactive)], Start);
        foreach (var expected in new long[] { 1, 2, 3 })
        {
            var item = scheduler.Take(Start)!;
            Assert.Equal(expected, item.Id);
            scheduler.Finished(item, null);
        }

        // a's reply to a new message is a first answer again: it goes before b's third.
        scheduler.BeginRefresh();
        scheduler.Replace([Item(4, "b", Lane.Interactive), Item(5, "a", Lane.Interactive)], Start);

        Assert.Equal(5, scheduler.Take(Start)!.Id);
    }

    [Fact]
    public void TakeWithARetryWaitingKeepsItsChatsOrderInTheRoundRobin()
    {
        var scheduler = new SendScheduler(new FakeTimeProvider());
        scheduler.Replace([Item(1, "a", Lane.Interactive), Item(2, "a", Lane.Interactive), Item(3, "b", Lane.Interactive)], Start);
        var first = scheduler.Take(Start)!;
        scheduler.Finished(first, Start.AddSeconds(1)); // a 5xx: tried again in a second

        Assert.Equal(3, scheduler.Take(Start)!.Id);
        Assert.Null(scheduler.Take(Start)); // a's second waits behind its first
        Assert.Equal(1, scheduler.Take(Start.AddSeconds(1))!.Id);
    }

    [Fact]
    public void StartedLateMovesTheChatsBulkSpacingToTheActualSend()
    {
        var clock = new FakeTimeProvider();
        var scheduler = new SendScheduler(clock);
        scheduler.Replace([Item(1, "a", Lane.Bulk), Item(2, "a", Lane.Bulk)], Start);
        var first = scheduler.Take(Start)!;
        clock.Advance(TimeSpan.FromMilliseconds(300)); // waited for a slot of the global rate
        scheduler.Started(first);
        scheduler.Finished(first, null);

        clock.Advance(TimeSpan.FromMilliseconds(800));
        Assert.Null(scheduler.Take(Start)); // 1.1 s after it was chosen, but only 0.8 s after it went out
        clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(2, scheduler.Take(Start)!.Id);
    }

    [Fact]
    public void TakeWithABulkRetryWaitingServesTheOtherChatsMeanwhile()
    {
        var clock = new FakeTimeProvider();
        var scheduler = new SendScheduler(clock);
        scheduler.Replace(Enumerable.Range(1, 5).Select(id => Item(id, "chat" + id, Lane.Bulk)), Start);
        var failed = scheduler.Take(Start)!;
        scheduler.Started(failed);
        scheduler.Finished(failed, Start.AddSeconds(1)); // a 502: its back-off

        var meanwhile = new List<long>();
        while (scheduler.Take(Start) is { } item)
        {
            meanwhile.Add(item.Id);
            scheduler.Started(item);
            scheduler.Finished(item, null);
        }

        Assert.Equal([2, 3, 4, 5], meanwhile);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, scheduler.Take(Start.AddSeconds(1))!.Id);
    }

    [Fact]
    public void NotCountedSendLeavesTheChatsBulkSpacingWhereItWas()
    {
        var clock = new FakeTimeProvider();
        var scheduler = new SendScheduler(clock);
        scheduler.Replace([Item(1, "a", Lane.Bulk), Item(2, "b", Lane.Bulk)], Start);
        var counted = scheduler.Take(Start)!;
        scheduler.Started(counted);
        scheduler.Finished(counted, Start.AddMilliseconds(500)); // a 504: Telegram may have counted it
        var gateway = scheduler.Take(Start)!;
        scheduler.Started(gateway);
        scheduler.NotCounted(gateway); // a 502: Telegram never saw it
        scheduler.Finished(gateway, Start.AddMilliseconds(500));

        clock.Advance(TimeSpan.FromMilliseconds(500));
        var now = Start.AddMilliseconds(500);
        Assert.Equal(2, scheduler.Take(now)!.Id); // its back-off is over, and no send to b counts
        Assert.Null(scheduler.Take(now)); // a waits for 1 s after its counted send
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, scheduler.Take(now.AddMilliseconds(500))!.Id);
    }
}
