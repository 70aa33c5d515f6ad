using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

// Expected strings are RFC 4648 base32 (Python's base64.b32encode) with its alphabet
// mapped onto Crockford's, computed outside this code base.
public sealed class Crockford32Tests
{
    [Theory]
    [InlineData("00010203040506070809", "000G40R40M30E209")]
    [InlineData("ffffffffffffffffffff", "ZZZZZZZZZZZZZZZZ")]
    [InlineData("8d2f3c4b5a69788796a5", "HMQKRJTTD5W8F5N5")]
    public void EncodeOfFixedBytesIsPinned(string hex, string expected)
    {
        Assert.Equal(expected, Crockford32.Encode(Convert.FromHexString(hex)));
    }

    [Fact]
    public void FormatGroupsByFour()
    {
        Assert.Equal("FL-000G-40R4-0M30-E209", Crockford32.Format("FL", "000G40R40M30E209"));
    }
}
