using NSec.Cryptography;

namespace FamilyLinkBot.Crypto;

// HKDF-SHA256 (RFC 5869) salt and info labels; one label per purpose (docs/DESIGN.md#3-cryptography).
// Changing any of these changes every derived key: they are part of the format.
internal static class KeyLabels
{
    internal static ReadOnlySpan<byte> Salt => "familylinkbot/v1/hkdf-salt"u8;

    internal static ReadOnlySpan<byte> KeyWrap => "familylinkbot/v1/key-wrap"u8;

    internal static ReadOnlySpan<byte> KeyCheck => "familylinkbot/v1/key-check"u8;

    internal static ReadOnlySpan<byte> KeyId => "familylinkbot/v1/key-id"u8;

    internal static ReadOnlySpan<byte> BlindIndex => "familylinkbot/v1/blind-index"u8;

    internal static ReadOnlySpan<byte> TokenHash => "familylinkbot/v1/token-hash"u8;

    // Derived and imported keys never leave their NSec Key objects.
    internal static KeyCreationParameters NoExport => new() { ExportPolicy = KeyExportPolicies.None };
}
