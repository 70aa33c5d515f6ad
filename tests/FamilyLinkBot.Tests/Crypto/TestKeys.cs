using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

// Fixed and fresh keys for the Crypto tests.
internal static class TestKeys
{
    internal static byte[] Sequence(int start, int count) =>
        Enumerable.Range(start, count).Select(i => (byte)i).ToArray();

    internal static KeyRing FixedRing() => KeyRing.FromMasterKey(Sequence(0x00, 32));

    internal static KeyRing NewRing() => KeyRing.FromMasterKey(KeyRing.GenerateMasterKey());

    internal static readonly FieldContext AliasOfCase42 = new("cases", "alias", "42");
}
