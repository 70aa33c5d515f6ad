using System.Text;
using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

// Pinned outputs. They were computed once by an independent Python reference
// (HKDF from `cryptography`, BLAKE2b from hashlib, XChaCha20-Poly1305 built from a
// hand-written HChaCha20 checked against draft-irtf-cfrg-xchacha-03 §2.2.1 and §A.3.1),
// and agree with this implementation. A change here is a storage format change.
public sealed class KnownAnswerTests
{
    [Fact]
    public void KeyCheckValueOfFixedMasterKeyIsPinned()
    {
        using KeyRing ring = TestKeys.FixedRing();

        Assert.Equal("f0752c2af2528e3294d76933e24b546e55ca581ef9d29564ac59002dcb215d46", Convert.ToHexStringLower(ring.KeyCheckValue));
    }

    [Fact]
    public void KeyIdOfFixedMasterKeyIsPinned()
    {
        using KeyRing ring = TestKeys.FixedRing();

        Assert.Equal(0xfa6675b5u, ring.KeyId);
    }

    [Fact]
    public void ChatIndexOfFixedRootIsPinned()
    {
        using IndexKeys keys = IndexKeys.FromRoot(TestKeys.Sequence(0x20, 32));

        Assert.Equal("477680b9fb93c62c0d440d78e4d1548d45785bbc8b38ac7856113ec4572ece09", Convert.ToHexStringLower(keys.ChatIndex(123456789)));
    }

    [Fact]
    public void TokenHashOfFixedRootIsPinned()
    {
        using IndexKeys keys = IndexKeys.FromRoot(TestKeys.Sequence(0x20, 32));

        Assert.Equal("d85ff2f5278ec1cff4a60bb2d51052aec2ba04d8ff1b65de687f167d75a1d628", Convert.ToHexStringLower(keys.TokenHash("case-token", "7KQ2M9XD3RTPWC4H")));
    }

    private const string FieldBlobHex =
        "01" + "00000001" + "606162636465666768696a6b6c6d6e6f7071727374757677"
        + "dd1b9f091c3ec3c14d33dbdbeb457c9aae0512813b35844ac2ff0854e2";

    [Fact]
    public void FieldBlobOfFixedKeyAndNonceIsPinned()
    {
        using DataKey key = DataKey.FromRawKey(TestKeys.Sequence(0x40, 32));

        byte[] blob = key.Encrypt(Encoding.UTF8.GetBytes("Hello, 가족"), TestKeys.AliasOfCase42, TestKeys.Sequence(0x60, 24));

        Assert.Equal(FieldBlobHex, Convert.ToHexStringLower(blob));
    }

    [Fact]
    public void FieldBlobOfFixedKeyDecryptsToPinnedText()
    {
        using DataKey key = DataKey.FromRawKey(TestKeys.Sequence(0x40, 32));

        Assert.Equal("Hello, 가족", key.DecryptString(Convert.FromHexString(FieldBlobHex), TestKeys.AliasOfCase42));
    }

    private const string WrappedKeyHex =
        "01" + "fa6675b5" + "808182838485868788898a8b8c8d8e8f9091929394959697"
        + "3c803539eb695555cd73f385e5b80f6d7a29c18e8695929c6bf520c180c7ddb6"
        + "67f36bece1d479e9733f61ea453cb268";

    [Fact]
    public void WrappedSecretOfFixedMasterKeyAndNonceIsPinned()
    {
        using KeyRing ring = TestKeys.FixedRing();

        byte[] blob = ring.WrapSecret(TestKeys.Sequence(0x40, 32), new FieldContext("data_keys", "key", "owner-1"), TestKeys.Sequence(0x80, 24));

        Assert.Equal(WrappedKeyHex, Convert.ToHexStringLower(blob));
    }

    [Fact]
    public void WrappedDataKeyOfFixedMasterKeyUnwrapsToFixedDataKey()
    {
        using KeyRing ring = TestKeys.FixedRing();

        using DataKey key = DataKey.Unwrap(ring, "owner-1", Convert.FromHexString(WrappedKeyHex));

        Assert.Equal("Hello, 가족", key.DecryptString(Convert.FromHexString(FieldBlobHex), TestKeys.AliasOfCase42));
    }

    [Fact]
    public void AssociatedDataIsDomainAndPartsSeparatedByNul()
    {
        Assert.Equal("familylinkbot/v1\0cases\0alias\042"u8.ToArray(), TestKeys.AliasOfCase42.ToAssociatedData());
    }
}
