using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace FamilyLinkBot.Crypto;

// Keys for lookups by keyed hash (docs/DESIGN.md#2-data-classification, docs/DESIGN.md#3-cryptography): a blind index (chat ids and other
// identifying values) and a token hash (case tokens, invite codes), both BLAKE2b-256
// MACs (RFC 7693) over UTF-8(purpose NUL value).
//
// Deliberate design: the two MAC keys are derived with HKDF-SHA256 (RFC 5869) from a
// random 32-byte index root that is stored in the database wrapped by the KeyRing under
// FieldContext("meta", "index_root", "1"), not from the master key directly. Case tokens
// are never stored, so their hashes could not be recomputed under a new master key;
// master key rotation therefore only re-wraps the root, and every stored hash stays valid.
public sealed class IndexKeys : IDisposable
{
    internal const int RootSize = 32;
    private const int StackLimit = 256;

    private static readonly FieldContext RootContext = new("meta", "index_root", "1");

    private readonly Key _blindIndexKey;
    private readonly Key _tokenHashKey;

    private IndexKeys(Key blindIndexKey, Key tokenHashKey)
    {
        _blindIndexKey = blindIndexKey;
        _tokenHashKey = tokenHashKey;
    }

    public static IndexKeys Create(KeyRing ring, out byte[] wrappedRoot)
    {
        if (ring is null)
        {
            throw Error.ArgumentNull(nameof(ring));
        }

        Span<byte> root = stackalloc byte[RootSize];
        try
        {
            RandomNumberGenerator.Fill(root);
            wrappedRoot = ring.WrapSecret(root, RootContext);
            return FromRoot(root);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(root);
        }
    }

    public static IndexKeys Unwrap(KeyRing ring, ReadOnlySpan<byte> wrappedRoot)
    {
        if (ring is null)
        {
            throw Error.ArgumentNull(nameof(ring));
        }

        if (!ring.TryUnwrapSecret(wrappedRoot, RootContext, out byte[] root))
        {
            throw Error.Cryptographic_UnwrapFailed();
        }

        try
        {
            return root.Length == RootSize ? FromRoot(root) : throw Error.Cryptographic_UnwrapFailed();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(root);
        }
    }

    public static byte[] RewrapRoot(KeyRing from, KeyRing to, ReadOnlySpan<byte> wrappedRoot)
    {
        if (from is null)
        {
            throw Error.ArgumentNull(nameof(from));
        }

        if (to is null)
        {
            throw Error.ArgumentNull(nameof(to));
        }

        if (!from.TryUnwrapSecret(wrappedRoot, RootContext, out byte[] root) || root.Length != RootSize)
        {
            CryptographicOperations.ZeroMemory(root);
            throw Error.Cryptographic_UnwrapFailed();
        }

        try
        {
            return to.WrapSecret(root, RootContext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(root);
        }
    }

    public byte[] BlindIndex(string purpose, string normalizedValue) => Mac(_blindIndexKey, purpose, normalizedValue);

    public byte[] ChatIndex(long telegramChatId) => BlindIndex("chat", telegramChatId.ToString(CultureInfo.InvariantCulture));

    public byte[] TokenHash(string purpose, string normalizedToken) => Mac(_tokenHashKey, purpose, normalizedToken);

    public void Dispose()
    {
        _blindIndexKey.Dispose();
        _tokenHashKey.Dispose();
    }

    // For Create, Unwrap and known-answer tests.
    internal static IndexKeys FromRoot(ReadOnlySpan<byte> root)
    {
        Key blindIndexKey = KeyDerivationAlgorithm.HkdfSha256.DeriveKey(
            root, KeyLabels.Salt, KeyLabels.BlindIndex, MacAlgorithm.Blake2b_256, KeyLabels.NoExport);
        try
        {
            Key tokenHashKey = KeyDerivationAlgorithm.HkdfSha256.DeriveKey(
                root, KeyLabels.Salt, KeyLabels.TokenHash, MacAlgorithm.Blake2b_256, KeyLabels.NoExport);
            return new IndexKeys(blindIndexKey, tokenHashKey);
        }
        catch
        {
            blindIndexKey.Dispose();
            throw;
        }
    }

    // The purpose cannot contain NUL, so (purpose, value) pairs encode injectively; the
    // value comes last and needs no such restriction.
    private static byte[] Mac(Key key, string purpose, string value)
    {
        if (string.IsNullOrEmpty(purpose) || purpose.Contains('\0', StringComparison.Ordinal))
        {
            throw Error.Argument_Purpose(nameof(purpose));
        }

        if (value is null)
        {
            throw Error.ArgumentNull(nameof(value));
        }

        int max = Encoding.UTF8.GetMaxByteCount(purpose.Length + value.Length) + 1;
        byte[]? rented = null;
        Span<byte> buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        int length = Encoding.UTF8.GetBytes(purpose, buffer);
        buffer[length++] = 0;
        length += Encoding.UTF8.GetBytes(value, buffer[length..]);
        try
        {
            return MacAlgorithm.Blake2b_256.Mac(key, buffer[..length]);
        }
        finally
        {
            // The value may be a case token or a chat id.
            CryptographicOperations.ZeroMemory(buffer[..length]);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
