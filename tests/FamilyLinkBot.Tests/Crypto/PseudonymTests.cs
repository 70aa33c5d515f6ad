using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

public sealed class PseudonymTests
{
    [Fact]
    public void PseudonymIsFirstEightLowercaseHexDigits()
    {
        Assert.Equal("deadbeef", Pseudonym.Of([0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02]));
    }

    [Fact]
    public void PseudonymOfChatIndexIsEightHexDigits()
    {
        using IndexKeys keys = IndexKeys.FromRoot(new byte[32]);

        Assert.Matches("^[0-9a-f]{8}$", Pseudonym.Of(keys.ChatIndex(123456789)));
    }

    [Fact]
    public void PseudonymOfShortInputThrows()
    {
        Assert.Throws<ArgumentException>(() => Pseudonym.Of([1, 2, 3]));
    }
}
