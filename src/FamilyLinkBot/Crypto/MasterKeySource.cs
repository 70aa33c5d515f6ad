using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace FamilyLinkBot.Crypto;

// Loads and creates the 32-byte master key (docs/DESIGN.md#3-cryptography): base64 in Crypto:MasterKey, or a
// file at Crypto:MasterKeyPath holding base64 text (what CreateFile writes) or the raw bytes.
//
// Meant to be used by the storage layer at start-up, which alone knows whether data exists:
//   byte[]? key = MasterKeySource.TryLoad(options);
//   key is null and the database is empty  -> key = CreateFile(options.MasterKeyPath), log once;
//   key is null and the database holds data -> refuse to start; never generate over data;
//   using KeyRing ring = KeyRing.FromMasterKey(key)   (zeroes key);
//   a stored key check value that !ring.Matches(...) -> refuse to start: wrong key;
//   an empty database stores ring.KeyCheckValue.
public static class MasterKeySource
{
    internal const string ConfigKey = "Crypto:MasterKey";
    internal const string PathConfigKey = "Crypto:MasterKeyPath";

    // A key file is 45 bytes; anything near this size is not one.
    private const int MaxFileSize = 1024;

    private const int Base64TextSize = (KeyRing.MasterKeySize + 2) / 3 * 4;

    private static readonly SearchValues<byte> Base64Bytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    // Null when no key is configured and the file does not exist. An empty or blank
    // Crypto:MasterKey (an unset environment variable) counts as not configured.
    public static byte[]? TryLoad(CryptoOptions options)
    {
        if (options is null)
        {
            throw Error.ArgumentNull(nameof(options));
        }

        if (!string.IsNullOrWhiteSpace(options.MasterKey))
        {
            return FromConfiguredBase64(options.MasterKey);
        }

        if (string.IsNullOrWhiteSpace(options.MasterKeyPath))
        {
            throw Error.MasterKey_PathMissing();
        }

        return File.Exists(options.MasterKeyPath) ? ReadFile(options.MasterKeyPath) : null;
    }

    // Creates the file with mode 0600 from the first moment (no window in which another
    // user could read it) and never overwrites an existing file.
    public static byte[] CreateFile(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw Error.Argument_KeyPath(nameof(path));
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        FileStreamOptions fileOptions = new()
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, fileOptions);
        }
        catch (IOException ex) when (File.Exists(path))
        {
            throw Error.MasterKey_FileExists(path, ex);
        }

        byte[] key = KeyRing.GenerateMasterKey();
        Span<byte> text = stackalloc byte[Base64TextSize + 1];
        try
        {
            Base64.EncodeToUtf8(key, text, out _, out int written);
            text[written++] = (byte)'\n';
            using (stream)
            {
                stream.Write(text[..written]);
                stream.Flush(flushToDisk: true);
            }

            return key;
        }
        catch
        {
            // A half-written key file would later read as a wrong key; remove it.
            CryptographicOperations.ZeroMemory(key);
            File.Delete(path);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(text);
        }
    }

    private static byte[] FromConfiguredBase64(string base64)
    {
        byte[] key = new byte[KeyRing.MasterKeySize];
        if (Convert.TryFromBase64String(base64.Trim(), key, out int written) && written == key.Length)
        {
            return key;
        }

        CryptographicOperations.ZeroMemory(key);
        throw Error.MasterKey_ConfigInvalid();
    }

    private static byte[] ReadFile(string path)
    {
        Span<byte> buffer = stackalloc byte[MaxFileSize];
        byte[] key = new byte[KeyRing.MasterKeySize];
        try
        {
            int length;
            using (FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }

            ReadOnlySpan<byte> content = buffer[..length];

            // Exactly 32 bytes is a raw key, unless every byte is a base64 character (odds
            // 2^-64 for a random key): then it is base64 text of the wrong length.
            if (content.Length == KeyRing.MasterKeySize && content.ContainsAnyExcept(Base64Bytes))
            {
                content.CopyTo(key);
                return key;
            }

            ReadOnlySpan<byte> text = content.Trim(" \t\r\n"u8);
            if (length < MaxFileSize
                && Base64.DecodeFromUtf8(text, key, out _, out int written) == OperationStatus.Done
                && written == key.Length)
            {
                return key;
            }
        }
        catch
        {
            CryptographicOperations.ZeroMemory(key);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }

        CryptographicOperations.ZeroMemory(key);
        throw Error.MasterKey_FileInvalid(path);
    }
}
