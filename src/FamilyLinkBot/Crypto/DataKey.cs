using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace FamilyLinkBot.Crypto;

// One family's (one chat's) random 32-byte XChaCha20-Poly1305 data key
// (draft-irtf-cfrg-xchacha, RFC 8439), the lower level of envelope encryption (docs/DESIGN.md#3-cryptography). It is stored only wrapped by the KeyRing under
// FieldContext("data_keys", "key", ownerId); deleting that wrapped key crypto-shreds every
// field the family has, backups included.
public sealed class DataKey : IDisposable
{
    // The version of the data key written into each field blob; rotation of data keys
    // themselves would bump it.
    internal const uint CurrentKeyId = 1;
    internal const int KeySize = 32;

    private const string WrapTable = "data_keys";
    private const string WrapColumn = "key";
    private const int StackLimit = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Key _key;

    private DataKey(Key key)
    {
        _key = key;
    }

    public static DataKey Create(KeyRing ring, string ownerId, out byte[] wrapped)
    {
        if (ring is null)
        {
            throw Error.ArgumentNull(nameof(ring));
        }

        Span<byte> raw = stackalloc byte[KeySize];
        try
        {
            RandomNumberGenerator.Fill(raw);
            wrapped = ring.WrapSecret(raw, WrapContext(ownerId));
            return FromRawKey(raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    public static DataKey Unwrap(KeyRing ring, string ownerId, ReadOnlySpan<byte> wrapped)
    {
        if (ring is null)
        {
            throw Error.ArgumentNull(nameof(ring));
        }

        if (!ring.TryUnwrapSecret(wrapped, WrapContext(ownerId), out byte[] raw))
        {
            throw Error.Cryptographic_UnwrapFailed();
        }

        try
        {
            return raw.Length == KeySize ? FromRawKey(raw) : throw Error.Cryptographic_UnwrapFailed();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    // Key rotation: the data key moves from one master key to another without the
    // family's field blobs changing.
    public static byte[] Rewrap(KeyRing from, KeyRing to, string ownerId, ReadOnlySpan<byte> wrapped)
    {
        if (from is null)
        {
            throw Error.ArgumentNull(nameof(from));
        }

        if (to is null)
        {
            throw Error.ArgumentNull(nameof(to));
        }

        FieldContext context = WrapContext(ownerId);
        if (!from.TryUnwrapSecret(wrapped, context, out byte[] raw) || raw.Length != KeySize)
        {
            CryptographicOperations.ZeroMemory(raw);
            throw Error.Cryptographic_UnwrapFailed();
        }

        try
        {
            return to.WrapSecret(raw, context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, FieldContext context) =>
        BlobFormat.Encrypt(_key, CurrentKeyId, plaintext, context);

    // For known-answer tests only.
    internal byte[] Encrypt(ReadOnlySpan<byte> plaintext, FieldContext context, ReadOnlySpan<byte> nonce) =>
        BlobFormat.Encrypt(_key, CurrentKeyId, plaintext, context, nonce);

    public byte[] Decrypt(ReadOnlySpan<byte> blob, FieldContext context) =>
        BlobFormat.TryDecrypt(_key, CurrentKeyId, blob, context, out byte[] plaintext)
            ? plaintext
            : throw Error.Cryptographic_DecryptionFailed();

    public bool TryDecrypt(ReadOnlySpan<byte> blob, FieldContext context, out byte[] plaintext) =>
        BlobFormat.TryDecrypt(_key, CurrentKeyId, blob, context, out plaintext);

    public byte[] EncryptString(string plaintext, FieldContext context)
    {
        if (plaintext is null)
        {
            throw Error.ArgumentNull(nameof(plaintext));
        }

        int max = Encoding.UTF8.GetMaxByteCount(plaintext.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        int length = Encoding.UTF8.GetBytes(plaintext, buffer);
        try
        {
            return Encrypt(buffer[..length], context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer[..length]);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public string DecryptString(ReadOnlySpan<byte> blob, FieldContext context)
    {
        byte[] plaintext = Decrypt(blob, context);
        try
        {
            return StrictUtf8.GetString(plaintext);
        }
        catch (DecoderFallbackException)
        {
            throw Error.Cryptographic_PlaintextNotUtf8();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public void Dispose() => _key.Dispose();

    // For Create, Unwrap and known-answer tests.
    internal static DataKey FromRawKey(ReadOnlySpan<byte> raw) =>
        new(Key.Import(AeadAlgorithm.XChaCha20Poly1305, raw, KeyBlobFormat.RawSymmetricKey, KeyLabels.NoExport));

    private static FieldContext WrapContext(string ownerId) => new(WrapTable, WrapColumn, ownerId);
}
