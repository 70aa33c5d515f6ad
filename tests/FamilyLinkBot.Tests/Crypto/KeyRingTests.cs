using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

public sealed class KeyRingTests
{
    private static readonly FieldContext SecretContext = new("meta", "secret", "1");

    [Fact]
    public void FromMasterKeyZeroesInput()
    {
        byte[] master = KeyRing.GenerateMasterKey();

        using KeyRing ring = KeyRing.FromMasterKey(master);

        Assert.All(master, b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void FromMasterKeyOfWrongLengthThrowsWithoutEcho(int length)
    {
        byte[] master = Enumerable.Repeat((byte)0xAB, length).ToArray();

        ArgumentException ex = Assert.Throws<ArgumentException>(() => KeyRing.FromMasterKey(master));

        Assert.DoesNotContain("AB", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("171", ex.Message);
        Assert.All(master, b => Assert.Equal(0, b));
    }

    [Fact]
    public void GenerateMasterKeyIsFreshAnd32Bytes()
    {
        byte[] a = KeyRing.GenerateMasterKey();
        byte[] b = KeyRing.GenerateMasterKey();

        Assert.Equal(32, a.Length);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void SameMasterKeyGivesSameKeyCheckValueAndKeyId()
    {
        byte[] master = KeyRing.GenerateMasterKey();
        using KeyRing first = KeyRing.FromMasterKey(master.ToArray());
        using KeyRing second = KeyRing.FromMasterKey(master);

        Assert.Equal(first.KeyCheckValue, second.KeyCheckValue);
        Assert.Equal(first.KeyId, second.KeyId);
        Assert.True(second.Matches(first.KeyCheckValue));
    }

    [Fact]
    public void MatchesWithOtherMasterKeyFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        using KeyRing other = TestKeys.NewRing();

        Assert.False(ring.Matches(other.KeyCheckValue));
        Assert.False(ring.Matches(ring.KeyCheckValue.AsSpan(0, 31)));
        Assert.False(ring.Matches([]));
        Assert.NotEqual(ring.KeyId, other.KeyId);
    }

    [Fact]
    public void KeyCheckValueReturnsCopy()
    {
        using KeyRing ring = TestKeys.NewRing();
        byte[] kcv = ring.KeyCheckValue;
        kcv[0] ^= 0xFF;

        Assert.Equal(32, kcv.Length);
        Assert.True(ring.Matches(ring.KeyCheckValue));
        Assert.False(ring.Matches(kcv));
    }

    [Fact]
    public void WrapSecretRoundTrips()
    {
        using KeyRing ring = TestKeys.NewRing();
        byte[] secret = [1, 2, 3, 4, 5];

        byte[] blob = ring.WrapSecret(secret, SecretContext);

        Assert.True(ring.TryUnwrapSecret(blob, SecretContext, out byte[] unwrapped));
        Assert.Equal(secret, unwrapped);
    }

    [Fact]
    public void UnwrapSecretWithWrongMasterKeyFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        using KeyRing other = TestKeys.NewRing();
        byte[] blob = ring.WrapSecret([1, 2, 3], SecretContext);

        Assert.False(other.TryUnwrapSecret(blob, SecretContext, out byte[] unwrapped));
        Assert.Empty(unwrapped);
    }

    [Fact]
    public void UnwrapSecretWithSwappedContextFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        byte[] blob = ring.WrapSecret([1, 2, 3], SecretContext);

        Assert.False(ring.TryUnwrapSecret(blob, SecretContext with { RowId = "2" }, out _));
    }

    [Fact]
    public void UnwrapSecretWithFlippedBitFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        byte[] blob = ring.WrapSecret([1, 2, 3], SecretContext);

        for (int i = 0; i < blob.Length; i++)
        {
            byte[] tampered = (byte[])blob.Clone();
            tampered[i] ^= 0x80;
            Assert.False(ring.TryUnwrapSecret(tampered, SecretContext, out _), $"byte {i}");
        }
    }

    [Fact]
    public void WrapWithDisposedRingThrows()
    {
        KeyRing ring = TestKeys.NewRing();
        ring.Dispose();

        Assert.Throws<ObjectDisposedException>(() => ring.WrapSecret([1], SecretContext));
        Assert.Throws<ObjectDisposedException>(() => ring.KeyCheckValue);
        ring.Dispose();
    }
}
