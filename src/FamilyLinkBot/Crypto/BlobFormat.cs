using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace FamilyLinkBot.Crypto;

// The stored blob of an encrypted field or wrapped secret (docs/DESIGN.md#3-cryptography), XChaCha20-Poly1305
// (draft-irtf-cfrg-xchacha, RFC 8439):
//
//   [0]      format version, 0x01
//   [1..4]   key id, big-endian uint32
//   [5..28]  24-byte random nonce
//   [29..]   ciphertext || 16-byte tag
//
// The associated data is header[0..4] || FieldContext bytes, so the version, the key id
// and the table/column/row binding are all authenticated.
internal static class BlobFormat
{
    internal const byte Version1 = 0x01;
    internal const int HeaderSize = 5;
    internal const int NonceSize = 24;
    internal const int TagSize = 16;
    internal const int Overhead = HeaderSize + NonceSize + TagSize;

    // Associated data up to this size is built on the stack; longer contexts rent.
    private const int StackLimit = 256;

    internal static byte[] Encrypt(Key key, uint keyId, ReadOnlySpan<byte> plaintext, FieldContext context)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        RandomNumberGenerator.Fill(nonce);
        return Encrypt(key, keyId, plaintext, context, nonce);
    }

    // The explicit nonce exists for known-answer tests; production callers take the random one.
    internal static byte[] Encrypt(Key key, uint keyId, ReadOnlySpan<byte> plaintext, FieldContext context, ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != NonceSize)
        {
            throw Error.Argument_NonceSize(nameof(nonce));
        }

        byte[] blob = new byte[Overhead + plaintext.Length];
        blob[0] = Version1;
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(1, 4), keyId);
        nonce.CopyTo(blob.AsSpan(HeaderSize, NonceSize));

        int maxAd = HeaderSize + context.MaxByteCount;
        byte[]? rented = null;
        Span<byte> ad = maxAd <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxAd));
        try
        {
            int adLength = WriteAssociatedData(blob.AsSpan(0, HeaderSize), context, ad);
            AeadAlgorithm.XChaCha20Poly1305.Encrypt(key, nonce, ad[..adLength], plaintext, blob.AsSpan(HeaderSize + NonceSize));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }

        return blob;
    }

    internal static bool TryDecrypt(Key key, uint keyId, ReadOnlySpan<byte> blob, FieldContext context, out byte[] plaintext)
    {
        plaintext = [];
        if (blob.Length < Overhead
            || blob[0] != Version1
            || BinaryPrimitives.ReadUInt32BigEndian(blob[1..HeaderSize]) != keyId)
        {
            return false;
        }

        int maxAd = HeaderSize + context.MaxByteCount;
        byte[]? rented = null;
        Span<byte> ad = maxAd <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxAd));
        try
        {
            int adLength = WriteAssociatedData(blob[..HeaderSize], context, ad);
            byte[] output = new byte[blob.Length - Overhead];
            if (!AeadAlgorithm.XChaCha20Poly1305.Decrypt(key, blob.Slice(HeaderSize, NonceSize), ad[..adLength], blob[(HeaderSize + NonceSize)..], output))
            {
                CryptographicOperations.ZeroMemory(output);
                return false;
            }

            plaintext = output;
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    private static int WriteAssociatedData(ReadOnlySpan<byte> header, FieldContext context, Span<byte> destination)
    {
        header.CopyTo(destination);
        return HeaderSize + context.Write(destination[HeaderSize..]);
    }
}
