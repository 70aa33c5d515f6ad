using System.Security.Cryptography;
using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

public sealed class IndexKeysTests
{
    [Fact]
    public void BlindIndexOfEqualInputIsStable()
    {
        using KeyRing ring = TestKeys.NewRing();
        using IndexKeys created = IndexKeys.Create(ring, out byte[] wrappedRoot);
        using IndexKeys unwrapped = IndexKeys.Unwrap(ring, wrappedRoot);

        byte[] index = created.BlindIndex("chat", "123456789");

        Assert.Equal(32, index.Length);
        Assert.Equal(index, created.BlindIndex("chat", "123456789"));
        Assert.Equal(index, unwrapped.BlindIndex("chat", "123456789"));
        Assert.Equal(created.TokenHash("case-token", "7KQ2M9XD3RTPWC4H"), unwrapped.TokenHash("case-token", "7KQ2M9XD3RTPWC4H"));
    }

    [Fact]
    public void BlindIndexDiffersAcrossRoots()
    {
        using KeyRing ring = TestKeys.NewRing();
        using IndexKeys first = IndexKeys.Create(ring, out _);
        using IndexKeys second = IndexKeys.Create(ring, out _);

        Assert.NotEqual(first.ChatIndex(42), second.ChatIndex(42));
        Assert.NotEqual(first.TokenHash("case-token", "X"), second.TokenHash("case-token", "X"));
    }

    [Fact]
    public void BlindIndexDiffersAcrossPurposes()
    {
        using IndexKeys keys = IndexKeys.FromRoot(new byte[32]);

        Assert.NotEqual(keys.BlindIndex("chat", "42"), keys.BlindIndex("group", "42"));
        Assert.NotEqual(keys.BlindIndex("a", "b\0c"), keys.BlindIndex("a\u0001", "c"));
    }

    [Fact]
    public void BlindIndexDiffersFromTokenHash()
    {
        using IndexKeys keys = IndexKeys.FromRoot(new byte[32]);

        Assert.NotEqual(keys.BlindIndex("case-token", "7KQ2M9XD3RTPWC4H"), keys.TokenHash("case-token", "7KQ2M9XD3RTPWC4H"));
    }

    [Fact]
    public void ChatIndexOfDifferentIdsDiffers()
    {
        using IndexKeys keys = IndexKeys.FromRoot(new byte[32]);

        HashSet<string> seen = [];
        foreach (long id in new long[] { 0, 1, -1, 42, 123456789, -1001234567890, long.MaxValue, long.MinValue })
        {
            Assert.True(seen.Add(Convert.ToHexString(keys.ChatIndex(id))), $"id {id}");
        }
    }

    [Fact]
    public void ChatIndexIsBlindIndexOfInvariantDecimal()
    {
        using IndexKeys keys = IndexKeys.FromRoot(new byte[32]);

        Assert.Equal(keys.BlindIndex("chat", "-1001234567890"), keys.ChatIndex(-1001234567890));
    }

    [Fact]
    public void BlindIndexOfLongValueWorks()
    {
        using IndexKeys keys = IndexKeys.FromRoot(new byte[32]);
        string value = new('가', 1000);

        Assert.Equal(keys.BlindIndex("note", value), keys.BlindIndex("note", value));
        Assert.NotEqual(keys.BlindIndex("note", value), keys.BlindIndex("note", value[1..]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ch\0at")]
    public void BlindIndexWithBadPurposeThrows(string purpose)
    {
        using IndexKeys keys = IndexKeys.FromRoot(new byte[32]);

        Assert.Throws<ArgumentException>(() => keys.BlindIndex(purpose, "42"));
        Assert.Throws<ArgumentException>(() => keys.TokenHash(purpose, "42"));
    }

    [Fact]
    public void UnwrapWithWrongMasterKeyFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        using KeyRing other = TestKeys.NewRing();
        using IndexKeys created = IndexKeys.Create(ring, out byte[] wrappedRoot);

        Assert.Throws<CryptographicException>(() => IndexKeys.Unwrap(other, wrappedRoot));
    }

    [Fact]
    public void UnwrapOfDataKeyBlobAsRootFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        using DataKey dataKey = DataKey.Create(ring, "1", out byte[] wrappedDataKey);

        Assert.Throws<CryptographicException>(() => IndexKeys.Unwrap(ring, wrappedDataKey));
    }

    [Fact]
    public void RewrapRootKeepsHashesAndLeavesOldRingOut()
    {
        using KeyRing ringA = TestKeys.NewRing();
        using KeyRing ringB = TestKeys.NewRing();
        byte[] hash;
        byte[] wrappedUnderA;
        using (IndexKeys created = IndexKeys.Create(ringA, out wrappedUnderA))
        {
            hash = created.TokenHash("case-token", "7KQ2M9XD3RTPWC4H");
        }

        byte[] wrappedUnderB = IndexKeys.RewrapRoot(ringA, ringB, wrappedUnderA);

        using IndexKeys underB = IndexKeys.Unwrap(ringB, wrappedUnderB);
        Assert.Equal(hash, underB.TokenHash("case-token", "7KQ2M9XD3RTPWC4H"));
        Assert.Throws<CryptographicException>(() => IndexKeys.Unwrap(ringA, wrappedUnderB));
        Assert.Throws<CryptographicException>(() => IndexKeys.RewrapRoot(ringB, ringA, wrappedUnderA));
    }
}
