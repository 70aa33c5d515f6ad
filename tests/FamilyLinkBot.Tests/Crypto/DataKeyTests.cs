using System.Security.Cryptography;
using System.Text;
using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

public sealed class DataKeyTests
{
    private static readonly FieldContext Context = TestKeys.AliasOfCase42;

    public static TheoryData<string> Texts => new()
    {
        "",
        "Kim Mi-rae",
        "김미래, 단둥 근처",
        "金美来 在丹东附近",
        "👩‍👧 safe 🙏",
        "<b>&amp;</b>\0\n\t",
        new string('가', 3000),
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void EncryptStringRoundTrips(string text)
    {
        using KeyRing ring = TestKeys.NewRing();
        using DataKey key = DataKey.Create(ring, "family-1", out _);

        byte[] blob = key.EncryptString(text, Context);

        Assert.Equal(text, key.DecryptString(blob, Context));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(200)]
    [InlineData(100_000)]
    public void EncryptBytesRoundTrips(int length)
    {
        using KeyRing ring = TestKeys.NewRing();
        using DataKey key = DataKey.Create(ring, "family-1", out _);
        byte[] plaintext = RandomNumberGenerator.GetBytes(length);

        byte[] blob = key.Encrypt(plaintext, Context);

        Assert.Equal(45 + length, blob.Length);
        Assert.Equal(plaintext, key.Decrypt(blob, Context));
        Assert.True(key.TryDecrypt(blob, Context, out byte[] again));
        Assert.Equal(plaintext, again);
    }

    [Fact]
    public void EncryptWritesVersionAndKeyIdHeader()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);

        byte[] blob = key.EncryptString("x", Context);

        Assert.Equal(new byte[] { 0x01, 0x00, 0x00, 0x00, 0x01 }, blob[..5]);
    }

    [Fact]
    public void EncryptTwiceUsesFreshNonces()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);

        byte[] first = key.EncryptString("same", Context);
        byte[] second = key.EncryptString("same", Context);

        Assert.NotEqual(first[5..29], second[5..29]);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void EncryptWithLongContextRoundTrips()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);
        FieldContext context = new("cases", "alias", new string('행', 500));

        byte[] blob = key.EncryptString("text", context);

        Assert.Equal("text", key.DecryptString(blob, context));
        Assert.False(key.TryDecrypt(blob, context with { RowId = new string('행', 499) }, out _));
    }

    [Fact]
    public void DecryptWithSwappedRowFails()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);
        byte[] blob = key.EncryptString("Mi-rae", new FieldContext("cases", "alias", "42"));

        AssertFails(key, blob, new FieldContext("cases", "alias", "43"));
    }

    [Fact]
    public void DecryptWithSwappedColumnFails()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);
        byte[] blob = key.EncryptString("Mi-rae", new FieldContext("cases", "alias", "42"));

        AssertFails(key, blob, new FieldContext("cases", "place_detail", "42"));
    }

    [Fact]
    public void DecryptWithSwappedTableFails()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);
        byte[] blob = key.EncryptString("Mi-rae", new FieldContext("cases", "alias", "42"));

        AssertFails(key, blob, new FieldContext("messages", "alias", "42"));
    }

    [Fact]
    public void DecryptWithFlippedBitFails()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);
        byte[] blob = key.EncryptString("Mi-rae", Context);

        for (int i = 0; i < blob.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] tampered = (byte[])blob.Clone();
                tampered[i] ^= (byte)(1 << bit);

                Assert.False(key.TryDecrypt(tampered, Context, out byte[] plaintext), $"byte {i} bit {bit}");
                Assert.Empty(plaintext);
            }
        }

        Assert.Throws<CryptographicException>(() => key.Decrypt(Flip(blob, 0), Context));
        Assert.Throws<CryptographicException>(() => key.Decrypt(Flip(blob, 3), Context));
        Assert.Throws<CryptographicException>(() => key.Decrypt(Flip(blob, 10), Context));
        Assert.Throws<CryptographicException>(() => key.Decrypt(Flip(blob, blob.Length - 1), Context));
    }

    [Fact]
    public void DecryptWithOtherFamilyKeyFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        using DataKey family1 = DataKey.Create(ring, "family-1", out _);
        using DataKey family2 = DataKey.Create(ring, "family-2", out _);
        byte[] blob = family1.EncryptString("Mi-rae", Context);

        AssertFails(family2, blob, Context);
    }

    [Fact]
    public void TruncatedBlobFails()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);
        byte[] blob = key.EncryptString("Mi-rae", Context);

        for (int length = 0; length < blob.Length; length++)
        {
            AssertFails(key, blob[..length], Context);
        }
    }

    [Fact]
    public void UnknownVersionFails()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);
        byte[] blob = key.EncryptString("Mi-rae", Context);

        foreach (byte version in new byte[] { 0x00, 0x02, 0x81, 0xFF })
        {
            byte[] other = (byte[])blob.Clone();
            other[0] = version;
            AssertFails(key, other, Context);
        }
    }

    [Fact]
    public void DecryptWithOtherKeyIdFails()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);
        byte[] blob = key.EncryptString("Mi-rae", Context);
        blob[4] = 0x02;

        AssertFails(key, blob, Context);
    }

    [Fact]
    public void DecryptFailureMessageHoldsNoData()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);
        byte[] blob = key.EncryptString("Mi-rae", new FieldContext("cases", "alias", "row-4711"));

        CryptographicException ex = Assert.Throws<CryptographicException>(() => key.DecryptString(blob, new FieldContext("cases", "alias", "row-4712")));

        Assert.DoesNotContain("4711", ex.Message);
        Assert.DoesNotContain("4712", ex.Message);
        Assert.DoesNotContain("Mi-rae", ex.Message);
    }

    [Fact]
    public void DecryptStringOfNonUtf8Throws()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);
        byte[] blob = key.Encrypt([0xC3, 0x28, 0xFF], Context);

        Assert.Throws<CryptographicException>(() => key.DecryptString(blob, Context));
    }

    [Fact]
    public void UnwrapRoundTripsDataKey()
    {
        using KeyRing ring = TestKeys.NewRing();
        using DataKey created = DataKey.Create(ring, "family-1", out byte[] wrapped);
        byte[] blob = created.EncryptString("김미래", Context);

        using DataKey unwrapped = DataKey.Unwrap(ring, "family-1", wrapped);

        Assert.Equal("김미래", unwrapped.DecryptString(blob, Context));
    }

    [Fact]
    public void WrappedDataKeyCarriesRingKeyId()
    {
        using KeyRing ring = TestKeys.NewRing();
        using DataKey created = DataKey.Create(ring, "family-1", out byte[] wrapped);

        Assert.Equal(0x01, wrapped[0]);
        Assert.Equal(ring.KeyId, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(wrapped.AsSpan(1, 4)));
        Assert.Equal(45 + 32, wrapped.Length);
    }

    [Fact]
    public void UnwrapWithWrongMasterKeyFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        using KeyRing other = TestKeys.NewRing();
        using DataKey created = DataKey.Create(ring, "family-1", out byte[] wrapped);

        Assert.Throws<CryptographicException>(() => DataKey.Unwrap(other, "family-1", wrapped));
    }

    [Fact]
    public void UnwrapWithWrongMasterKeyOfSameKeyIdFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        using KeyRing other = TestKeys.NewRing();
        using DataKey created = DataKey.Create(ring, "family-1", out byte[] wrapped);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(wrapped.AsSpan(1, 4), other.KeyId);

        Assert.Throws<CryptographicException>(() => DataKey.Unwrap(other, "family-1", wrapped));
    }

    [Fact]
    public void UnwrapWithOtherOwnerFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        using DataKey created = DataKey.Create(ring, "family-1", out byte[] wrapped);

        Assert.Throws<CryptographicException>(() => DataKey.Unwrap(ring, "family-2", wrapped));
    }

    [Fact]
    public void UnwrapOfTruncatedKeyFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        using DataKey created = DataKey.Create(ring, "family-1", out byte[] wrapped);

        Assert.Throws<CryptographicException>(() => DataKey.Unwrap(ring, "family-1", wrapped.AsSpan(0, wrapped.Length - 1).ToArray()));
        Assert.Throws<CryptographicException>(() => DataKey.Unwrap(ring, "family-1", []));
    }

    [Fact]
    public void UnwrapOfSecretWithWrongLengthFails()
    {
        using KeyRing ring = TestKeys.NewRing();
        byte[] wrapped = ring.WrapSecret(new byte[31], new FieldContext("data_keys", "key", "family-1"));

        Assert.Throws<CryptographicException>(() => DataKey.Unwrap(ring, "family-1", wrapped));
    }

    [Fact]
    public void RewrapDecryptsOldBlobsUnderNewRingAlone()
    {
        using KeyRing ringA = TestKeys.NewRing();
        using KeyRing ringB = TestKeys.NewRing();
        byte[] blob;
        byte[] wrappedUnderA;
        using (DataKey created = DataKey.Create(ringA, "family-1", out wrappedUnderA))
        {
            blob = created.EncryptString("김미래", Context);
        }

        byte[] wrappedUnderB = DataKey.Rewrap(ringA, ringB, "family-1", wrappedUnderA);

        using DataKey underB = DataKey.Unwrap(ringB, "family-1", wrappedUnderB);
        Assert.Equal("김미래", underB.DecryptString(blob, Context));
        Assert.Throws<CryptographicException>(() => DataKey.Unwrap(ringA, "family-1", wrappedUnderB));
        Assert.Throws<CryptographicException>(() => DataKey.Unwrap(ringB, "family-1", wrappedUnderA));
    }

    [Fact]
    public void RewrapWithWrongSourceRingFails()
    {
        using KeyRing ringA = TestKeys.NewRing();
        using KeyRing ringB = TestKeys.NewRing();
        using DataKey created = DataKey.Create(ringA, "family-1", out byte[] wrapped);

        Assert.Throws<CryptographicException>(() => DataKey.Rewrap(ringB, ringA, "family-1", wrapped));
    }

    [Fact]
    public void EncryptWithDisposedKeyThrows()
    {
        DataKey key = DataKey.FromRawKey(new byte[32]);
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.EncryptString("x", Context));
    }

    [Fact]
    public void EncryptStringMatchesEncryptOfUtf8()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);

        byte[] blob = key.EncryptString("丹东", Context);

        Assert.Equal(Encoding.UTF8.GetBytes("丹东"), key.Decrypt(blob, Context));
    }

    private static byte[] Flip(byte[] blob, int index)
    {
        byte[] tampered = (byte[])blob.Clone();
        tampered[index] ^= 0x01;
        return tampered;
    }

    private static void AssertFails(DataKey key, byte[] blob, FieldContext context)
    {
        Assert.False(key.TryDecrypt(blob, context, out byte[] plaintext));
        Assert.Empty(plaintext);
        Assert.Throws<CryptographicException>(() => key.Decrypt(blob, context));
        Assert.Throws<CryptographicException>(() => key.DecryptString(blob, context));
    }
}
