using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

public sealed class CaseTokenTests
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const string Format = "^FL-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$";

    [Fact]
    public void NewTokenHasReadableFormat()
    {
        CaseToken token = CaseToken.NewToken();

        Assert.Matches(Format, token.ToString());
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{16}$", token.Normalized);
        Assert.Equal(token.Normalized, token.ToString()[3..].Replace("-", ""));
    }

    [Fact]
    public void NewTokensAreDistinct()
    {
        HashSet<string> seen = [];
        for (int i = 0; i < 10_000; i++)
        {
            Assert.True(seen.Add(CaseToken.NewToken().Normalized));
        }
    }

    [Fact]
    public void NewTokenCarriesEightyBits()
    {
        CaseToken token = CaseToken.NewToken();

        Assert.Equal(32, Alphabet.Length);
        Assert.Equal(80, token.Normalized.Length * 5);
    }

    [Fact]
    public void NewTokenSpreadsEveryPositionAndBit()
    {
        const int count = 10_000;
        HashSet<char>[] valuesAt = Enumerable.Range(0, 16).Select(_ => new HashSet<char>()).ToArray();
        int[] onesAt = new int[80];
        for (int i = 0; i < count; i++)
        {
            string normalized = CaseToken.NewToken().Normalized;
            for (int position = 0; position < 16; position++)
            {
                valuesAt[position].Add(normalized[position]);
                int value = Alphabet.IndexOf(normalized[position], StringComparison.Ordinal);
                for (int bit = 0; bit < 5; bit++)
                {
                    onesAt[(position * 5) + bit] += (value >> (4 - bit)) & 1;
                }
            }
        }

        // Missing a symbol by chance at some position has odds below 2^-400.
        Assert.All(valuesAt, values => Assert.Equal(32, values.Count));

        // Each bit is set in about half the tokens; 40-60 % is 20 standard deviations wide.
        Assert.All(onesAt, ones => Assert.InRange(ones, count * 4 / 10, count * 6 / 10));
    }

    [Fact]
    public void TryParseOfToStringRoundTrips()
    {
        for (int i = 0; i < 1000; i++)
        {
            CaseToken token = CaseToken.NewToken();

            Assert.True(CaseToken.TryParse(token.ToString(), out CaseToken parsed));
            Assert.Equal(token, parsed);
            Assert.Equal(token.ToString(), parsed.ToString());
        }
    }

    [Theory]
    [InlineData("FL-7KQ2-M9XD-3RTP-WC4H", "7KQ2M9XD3RTPWC4H")]
    [InlineData("fl-7kq2-m9xd-3rtp-wc4h", "7KQ2M9XD3RTPWC4H")]
    [InlineData("FL 7KQ2 M9XD 3RTP WC4H", "7KQ2M9XD3RTPWC4H")]
    [InlineData("7KQ2M9XD3RTPWC4H", "7KQ2M9XD3RTPWC4H")]
    [InlineData("7kq2-m9xd-3rtp-wc4h", "7KQ2M9XD3RTPWC4H")]
    [InlineData("FL7KQ2M9XD3RTPWC4H", "7KQ2M9XD3RTPWC4H")]
    [InlineData("  Fl_7Kq2_M9xD_3rTp_Wc4H \t\r\n", "7KQ2M9XD3RTPWC4H")]
    [InlineData("FL-7KQ2\u00A0M9XD\u30003RTP\u2003WC4H", "7KQ2M9XD3RTPWC4H")]
    [InlineData("F-L-7-K-Q-2-M-9-X-D-3-R-T-P-W-C-4-H", "7KQ2M9XD3RTPWC4H")]
    [InlineData("FL-IKQ2-M9XD-3RTP-WC4L", "1KQ2M9XD3RTPWC41")]
    [InlineData("FL-iKQ2-M9XD-3RTP-WC4l", "1KQ2M9XD3RTPWC41")]
    [InlineData("FL-OKQ2-M9XD-3RTP-WC4o", "0KQ2M9XD3RTPWC40")]
    [InlineData("FLLKQ2M9XD3RTPWC4H", "1KQ2M9XD3RTPWC4H")]
    [InlineData("FL12-M9XD-3RTP-WC4H", "F112M9XD3RTPWC4H")]
    public void TryParseNormalizes(string input, string expected)
    {
        Assert.True(CaseToken.TryParse(input, out CaseToken token));
        Assert.Equal(expected, token.Normalized);
    }

    [Theory]
    [InlineData("FL-UKQ2-M9XD-3RTP-WC4H")]
    [InlineData("FL-ukQ2-M9XD-3RTP-WC4H")]
    [InlineData("FL-7KQ2-M9XD-3RTP-WC4")]
    [InlineData("FL-7KQ2-M9XD-3RTP-WC4HH")]
    [InlineData("7KQ2M9XD3RTPWC4")]
    [InlineData("7KQ2M9XD3RTPWC4HX")]
    [InlineData("XX-7KQ2-M9XD-3RTP-WC4H")]
    [InlineData("FLFL-7KQ2-M9XD-3RTP-WC4H")]
    [InlineData("FL-7KQ2-M9XD-3RTP-WC4!")]
    [InlineData("FL.7KQ2.M9XD.3RTP.WC4H")]
    [InlineData("FL-7KQ2-M9XD-3RTP-WC4H;")]
    [InlineData("FL-７KQ2-M9XD-3RTP-WC4H")]
    [InlineData("FL-가KQ2-M9XD-3RTP-WC4H")]
    [InlineData("FL-7KQ2-M9XD-3RTP-WC4\0")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("FL")]
    public void TryParseRejects(string input)
    {
        Assert.False(CaseToken.TryParse(input, out CaseToken token));
        Assert.Equal(default, token);
    }

    [Fact]
    public void TryParseOfNullFails()
    {
        Assert.False(CaseToken.TryParse(null, out _));
    }

    [Fact]
    public void TryParseOfHugeInputFails()
    {
        Assert.False(CaseToken.TryParse(new string('7', 10_000), out _));
        Assert.False(CaseToken.TryParse("FL-7KQ2-M9XD-3RTP-WC4H" + new string(' ', 10_000), out _));
    }

    [Fact]
    public void DefaultTokenIsEmpty()
    {
        Assert.Equal(string.Empty, default(CaseToken).Normalized);
        Assert.Equal(string.Empty, default(CaseToken).ToString());
    }

    [Fact]
    public void TokenHashOfParsedVariantsIsEqual()
    {
        using IndexKeys keys = IndexKeys.FromRoot(new byte[32]);
        Assert.True(CaseToken.TryParse("FL-7KQ2-M9XD-3RTP-WC4H", out CaseToken shown));
        Assert.True(CaseToken.TryParse("7kq2 m9xd 3rtp wc4h", out CaseToken typed));

        Assert.Equal(keys.TokenHash("case-token", shown.Normalized), keys.TokenHash("case-token", typed.Normalized));
    }
}
