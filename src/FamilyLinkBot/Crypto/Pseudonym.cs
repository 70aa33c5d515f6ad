namespace FamilyLinkBot.Crypto;

// The short pseudonym that log lines use to correlate a chat or case (docs/DESIGN.md#2-data-classification): the first
// 8 lowercase hex digits of its blind index. It reveals nothing the blind index does not.
public static class Pseudonym
{
    internal const int SourceBytes = 4;

    public static string Of(ReadOnlySpan<byte> blindIndex) =>
        blindIndex.Length >= SourceBytes
            ? Convert.ToHexStringLower(blindIndex[..SourceBytes])
            : throw Error.Argument_PseudonymInput(nameof(blindIndex));
}
