using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FamilyLinkBot.Tests.Support;

/// <summary>Looks for secrets in files byte by byte, the way someone with a seized disk would.</summary>
public static class FileScan
{
    public static IEnumerable<string> DatabaseFiles(string databasePath) => TestStore.Files(databasePath);

    /// <summary>A Telegram id as text (decimal, hex) and as 8-byte and 4-byte integers in both byte orders.</summary>
    public static IEnumerable<(string What, byte[] Bytes)> ChatIdForms(IEnumerable<long> ids)
    {
        foreach (var id in ids)
        {
            var label = "a chat id";
            yield return (label + " (decimal)", Encoding.UTF8.GetBytes(id.ToString(CultureInfo.InvariantCulture)));
            yield return (label + " (hex)", Encoding.UTF8.GetBytes(id.ToString("x", CultureInfo.InvariantCulture)));
            yield return (label + " (HEX)", Encoding.UTF8.GetBytes(id.ToString("X", CultureInfo.InvariantCulture)));
            yield return (label + " (UTF-16)", Encoding.Unicode.GetBytes(id.ToString(CultureInfo.InvariantCulture)));
            var buffer = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(buffer, id);
            yield return (label + " (int64 LE)", buffer.ToArray());
            BinaryPrimitives.WriteInt64BigEndian(buffer, id);
            yield return (label + " (int64 BE)", buffer.ToArray());
        }
    }

    public static IEnumerable<(string What, byte[] Bytes)> TextForms(IEnumerable<string> texts) =>
        texts.SelectMany(t => new[] { ("a text (UTF-8)", Encoding.UTF8.GetBytes(t)), ("a text (UTF-16)", Encoding.Unicode.GetBytes(t)) });

    public static void AssertNoneOf(IEnumerable<string> files, IEnumerable<(string What, byte[] Bytes)> needles)
    {
        var contents = files.Select(f => (File: Path.GetFileName(f), Bytes: ReadShared(f))).ToList();
        Assert.NotEmpty(contents);
        foreach (var (what, bytes) in needles)
        {
            foreach (var (file, content) in contents)
            {
                // The message names the kind of value and the file, never the value itself.
                Assert.True(content.AsSpan().IndexOf(bytes) < 0, $"{what} was found in {file}");
            }
        }
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
