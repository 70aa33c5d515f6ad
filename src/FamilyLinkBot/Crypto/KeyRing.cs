using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace FamilyLinkBot.Crypto;

// The master-key level of the key hierarchy (docs/DESIGN.md#3-cryptography). From the 32-byte master key,
// HKDF-SHA256 (RFC 5869) derives, each under its own label: an XChaCha20-Poly1305 key
// that wraps data keys and the index root, a key check value that tells the right master
// key from a wrong one, and a 32-bit key id written into the header of every wrapped blob.
// The master key bytes themselves are zeroed as soon as the keys are derived.
public sealed class KeyRing : IDisposable
{
    internal const int MasterKeySize = 32;
    private const int KeyCheckValueSize = 32;

    private readonly Key _wrappingKey;
    private readonly byte[] _keyCheckValue;
    private bool _disposed;

    private KeyRing(Key wrappingKey, byte[] keyCheckValue, uint keyId)
    {
        _wrappingKey = wrappingKey;
        _keyCheckValue = keyCheckValue;
        KeyId = keyId;
    }

    // Stored in the database; a ring built from a different master key does not match it.
    public byte[] KeyCheckValue
    {
        get
        {
            ThrowIfDisposed();
            return (byte[])_keyCheckValue.Clone();
        }
    }

    public uint KeyId { get; }

    // Always zeroes masterKey, also when it is rejected.
    public static KeyRing FromMasterKey(Span<byte> masterKey)
    {
        try
        {
            if (masterKey.Length != MasterKeySize)
            {
                throw Error.Argument_MasterKeyLength(nameof(masterKey));
            }

            Span<byte> keyId = stackalloc byte[4];
            byte[] keyCheckValue = new byte[KeyCheckValueSize];
            KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(masterKey, KeyLabels.Salt, KeyLabels.KeyCheck, keyCheckValue);
            KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(masterKey, KeyLabels.Salt, KeyLabels.KeyId, keyId);
            Key wrappingKey = KeyDerivationAlgorithm.HkdfSha256.DeriveKey(
                masterKey, KeyLabels.Salt, KeyLabels.KeyWrap, AeadAlgorithm.XChaCha20Poly1305, KeyLabels.NoExport);
            return new KeyRing(wrappingKey, keyCheckValue, BinaryPrimitives.ReadUInt32BigEndian(keyId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(masterKey);
        }
    }

    public static byte[] GenerateMasterKey() => RandomNumberGenerator.GetBytes(MasterKeySize);

    public bool Matches(ReadOnlySpan<byte> storedKeyCheckValue)
    {
        ThrowIfDisposed();
        return CryptographicOperations.FixedTimeEquals(_keyCheckValue, storedKeyCheckValue);
    }

    public byte[] WrapSecret(ReadOnlySpan<byte> secret, FieldContext context)
    {
        ThrowIfDisposed();
        return BlobFormat.Encrypt(_wrappingKey, KeyId, secret, context);
    }

    // For known-answer tests only.
    internal byte[] WrapSecret(ReadOnlySpan<byte> secret, FieldContext context, ReadOnlySpan<byte> nonce)
    {
        ThrowIfDisposed();
        return BlobFormat.Encrypt(_wrappingKey, KeyId, secret, context, nonce);
    }

    public bool TryUnwrapSecret(ReadOnlySpan<byte> blob, FieldContext context, out byte[] secret)
    {
        ThrowIfDisposed();
        return BlobFormat.TryDecrypt(_wrappingKey, KeyId, blob, context, out secret);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _wrappingKey.Dispose();
            CryptographicOperations.ZeroMemory(_keyCheckValue);
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw Error.ObjectDisposed(nameof(KeyRing));
        }
    }
}
