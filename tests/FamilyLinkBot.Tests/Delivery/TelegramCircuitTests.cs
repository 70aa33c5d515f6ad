using FamilyLinkBot.Delivery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FamilyLinkBot.Tests.Delivery;

/// <summary>Telling an outage from a failure (docs/DESIGN.md#8-delivery), on a fake clock.</summary>
public sealed class TelegramCircuitTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private TelegramCircuit NewCircuit() => new(_clock, NullLogger<TelegramCircuit>.Instance);

    private static void Fail(TelegramCircuit circuit, int times, long sender)
    {
        for (var i = 0; i < times; i++)
        {
            circuit.Unreachable(sender);
        }
    }

    [Fact]
    public void OneMessageFailingOverAndOverDoesNotPauseEveryone()
    {
        var circuit = NewCircuit();
        Fail(circuit, 50, sender: 7);
        Assert.False(circuit.IsOpen);
        Assert.True(circuit.TryStartSend(out var probe, out _));
        Assert.False(probe);
    }

    [Fact]
    public void FailuresOfManySendersOpenTheCircuitAndAnAnswerClosesIt()
    {
        var circuit = NewCircuit();
        Fail(circuit, TelegramCircuit.FailuresToOpen - 1, sender: 1);
        Assert.False(circuit.IsOpen);
        circuit.Unreachable(TelegramCircuit.Polling);
        Assert.True(circuit.IsOpen);

        circuit.Answered();
        Assert.False(circuit.IsOpen);
        Assert.True(circuit.TryStartSend(out _, out _));
    }

    [Fact]
    public void AnAnswerBetweenFailuresStartsTheCountAgain()
    {
        var circuit = NewCircuit();
        Fail(circuit, TelegramCircuit.FailuresToOpen - 1, sender: 1);
        circuit.Answered();
        Fail(circuit, TelegramCircuit.FailuresToOpen - 1, sender: 2);
        Assert.False(circuit.IsOpen);
    }

    [Fact]
    public void OpenCircuitProbesOneAtATimeAtGrowingIntervalsUpToAMinute()
    {
        var circuit = NewCircuit();
        Fail(circuit, TelegramCircuit.FailuresToOpen, sender: 1);
        circuit.Unreachable(2);
        Assert.True(circuit.IsOpen);
        Assert.False(circuit.TryStartSend(out _, out var wait));
        Assert.Equal(TelegramCircuit.FirstProbe, wait);

        var interval = TelegramCircuit.FirstProbe;
        _clock.Advance(interval);
        for (var round = 0; round < 9; round++)
        {
            Assert.True(circuit.TryStartSend(out var probe, out _));
            Assert.True(probe);
            Assert.False(circuit.TryStartSend(out _, out _)); // one probe at a time
            circuit.Unreachable(3);
            circuit.ProbeFinished();
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, TelegramCircuit.LongestProbe.Ticks));
            _clock.Advance(interval - TimeSpan.FromMilliseconds(1));
            Assert.False(circuit.TryStartSend(out _, out _));
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(TelegramCircuit.LongestProbe, interval);
        Assert.True(circuit.TryStartSend(out var last, out _));
        Assert.True(last);
        circuit.Answered();
        circuit.ProbeFinished();
        Assert.False(circuit.IsOpen);
    }

    [Fact]
    public void FailureCountsAgainstAMessageOnlyWhenTelegramAnsweredSomethingElseMeanwhile()
    {
        var circuit = NewCircuit();
        var started = circuit.Now();
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.False(circuit.CountsAgainstMessage(started)); // nothing answered since: could be an outage

        circuit.Answered();
        Assert.True(circuit.CountsAgainstMessage(started)); // others got through: this one's own failure

        var later = circuit.Now();
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        Fail(circuit, TelegramCircuit.FailuresToOpen, sender: 1);
        circuit.Unreachable(2);
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        circuit.Answered();
        Assert.False(circuit.CountsAgainstMessage(later)); // an outage was declared meanwhile
    }
}
