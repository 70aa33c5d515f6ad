using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

public sealed class FieldContextTests
{
    [Theory]
    [InlineData("ca\0ses", "alias", "42")]
    [InlineData("cases", "al\0ias", "42")]
    [InlineData("cases", "alias", "4\02")]
    public void ContextWithNulInPartThrows(string table, string column, string rowId)
    {
        Assert.Throws<ArgumentException>(() => new FieldContext(table, column, rowId).ToAssociatedData());
    }

    [Fact]
    public void DefaultContextThrows()
    {
        Assert.ThrowsAny<ArgumentException>(() => default(FieldContext).ToAssociatedData());
    }

    [Fact]
    public void ContextsThatConcatenateAlikeEncodeDifferently()
    {
        byte[] a = new FieldContext("ab", "c", "1").ToAssociatedData();
        byte[] b = new FieldContext("a", "bc", "1").ToAssociatedData();

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void EncryptWithNulInContextThrows()
    {
        using DataKey key = DataKey.FromRawKey(new byte[32]);

        Assert.Throws<ArgumentException>(() => key.Encrypt([1, 2, 3], new FieldContext("cases", "alias", "4\02")));
    }
}
