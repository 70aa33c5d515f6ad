using System.Security.Cryptography;

namespace FamilyLinkBot.Crypto;

// Every exception the Crypto folder throws is made here, so that no message can
// carry key bytes, plaintext, row ids or configuration values.
internal static class Error
{
    internal static ArgumentNullException ArgumentNull(string paramName) =>
        new(paramName);

    internal static ArgumentException Argument_MasterKeyLength(string paramName) =>
        new($"The master key must be exactly {KeyRing.MasterKeySize} bytes.", paramName);

    internal static ArgumentException Argument_ContextPart(string paramName) =>
        new("A field context part must be non-null and must not contain NUL characters.", paramName);

    internal static ArgumentException Argument_Purpose(string paramName) =>
        new("A purpose must be non-empty and must not contain NUL characters.", paramName);

    internal static ArgumentException Argument_KeyPath(string paramName) =>
        new("A master key file path is required.", paramName);

    internal static ArgumentException Argument_NonceSize(string paramName) =>
        new($"The nonce must be exactly {BlobFormat.NonceSize} bytes.", paramName);

    internal static ArgumentException Argument_PseudonymInput(string paramName) =>
        new($"A blind index of at least {Pseudonym.SourceBytes} bytes is required.", paramName);

    internal static CryptographicException Cryptographic_DecryptionFailed() =>
        new("The blob could not be decrypted: wrong key, wrong context, unknown format or tampered data.");

    internal static CryptographicException Cryptographic_UnwrapFailed() =>
        new("The wrapped key could not be unwrapped: wrong master key, wrong owner or tampered data.");

    internal static CryptographicException Cryptographic_PlaintextNotUtf8() =>
        new("The decrypted field is not valid UTF-8 text.");

    internal static ObjectDisposedException ObjectDisposed(string typeName) =>
        new(typeName);

    internal static MasterKeyException MasterKey_ConfigInvalid() =>
        new($"Configuration key {MasterKeySource.ConfigKey} must hold the base64 encoding of exactly {KeyRing.MasterKeySize} bytes.");

    internal static MasterKeyException MasterKey_PathMissing() =>
        new($"Configuration key {MasterKeySource.PathConfigKey} is empty; set it or set {MasterKeySource.ConfigKey}.");

    internal static MasterKeyException MasterKey_FileInvalid(string path) =>
        new($"The master key file '{path}' (configuration key {MasterKeySource.PathConfigKey}) must hold exactly {KeyRing.MasterKeySize} bytes, raw or as base64 text.");

    internal static MasterKeyException MasterKey_FileExists(string path, IOException inner) =>
        new($"A master key file already exists at '{path}'; it is never overwritten.", inner);
}
