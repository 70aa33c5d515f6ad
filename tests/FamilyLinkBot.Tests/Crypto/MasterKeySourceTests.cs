using System.Text;
using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Tests.Crypto;

public sealed class MasterKeySourceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "familylinkbot-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void CreateFileWritesBase64WithMode0600()
    {
        string path = Path.Combine(_folder, "data", "master.key");

        byte[] key = MasterKeySource.CreateFile(path);

        Assert.Equal(32, key.Length);
        Assert.Equal(Convert.ToBase64String(key) + "\n", File.ReadAllText(path, Encoding.ASCII));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void CreateFileNeverOverwritesExistingFile()
    {
        Directory.CreateDirectory(_folder);
        string path = Path.Combine(_folder, "master.key");
        File.WriteAllText(path, "existing");

        Assert.Throws<MasterKeyException>(() => MasterKeySource.CreateFile(path));
        Assert.Equal("existing", File.ReadAllText(path));
    }

    [Fact]
    public void CreateFileTwiceKeepsFirstKey()
    {
        string path = Path.Combine(_folder, "master.key");
        byte[] first = MasterKeySource.CreateFile(path);

        Assert.Throws<MasterKeyException>(() => MasterKeySource.CreateFile(path));
        Assert.Equal(first, MasterKeySource.TryLoad(new CryptoOptions { MasterKeyPath = path }));
    }

    [Fact]
    public void TryLoadOfCreatedFileReturnsKey()
    {
        string path = Path.Combine(_folder, "master.key");
        byte[] created = MasterKeySource.CreateFile(path);

        Assert.Equal(created, MasterKeySource.TryLoad(new CryptoOptions { MasterKeyPath = path }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("  \n\n\t")]
    public void TryLoadOfBase64FileAllowsTrailingWhitespace(string trailer)
    {
        byte[] key = KeyRing.GenerateMasterKey();
        string path = WriteFile(Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + trailer));

        Assert.Equal(key, MasterKeySource.TryLoad(new CryptoOptions { MasterKeyPath = path }));
    }

    [Fact]
    public void TryLoadOfRawFileReturnsKey()
    {
        byte[] key = KeyRing.GenerateMasterKey();
        key[0] = 0xFF;
        string path = WriteFile(key);

        Assert.Equal(key, MasterKeySource.TryLoad(new CryptoOptions { MasterKeyPath = path }));
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(2000)]
    public void TryLoadOfFileWithWrongSizeThrows(int size)
    {
        byte[] content = new byte[size];
        content[0] = 0xFF;
        string path = WriteFile(content);

        MasterKeyException ex = Assert.Throws<MasterKeyException>(() => MasterKeySource.TryLoad(new CryptoOptions { MasterKeyPath = path }));

        Assert.Contains("Crypto:MasterKeyPath", ex.Message);
    }

    [Fact]
    public void TryLoadOfBase64FileOfWrongLengthThrows()
    {
        string path = WriteFile(Encoding.ASCII.GetBytes(Convert.ToBase64String(new byte[24])));

        Assert.Throws<MasterKeyException>(() => MasterKeySource.TryLoad(new CryptoOptions { MasterKeyPath = path }));
    }

    [Fact]
    public void TryLoadWithoutKeyOrFileReturnsNull()
    {
        CryptoOptions options = new() { MasterKeyPath = Path.Combine(_folder, "absent", "master.key") };

        Assert.Null(MasterKeySource.TryLoad(options));
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public void TryLoadOfBase64ConfigReturnsKey()
    {
        byte[] key = KeyRing.GenerateMasterKey();
        CryptoOptions options = new() { MasterKey = Convert.ToBase64String(key), MasterKeyPath = Path.Combine(_folder, "absent.key") };

        Assert.Equal(key, MasterKeySource.TryLoad(options));
    }

    [Fact]
    public void TryLoadPrefersConfigOverFile()
    {
        string path = Path.Combine(_folder, "master.key");
        MasterKeySource.CreateFile(path);
        byte[] key = KeyRing.GenerateMasterKey();

        Assert.Equal(key, MasterKeySource.TryLoad(new CryptoOptions { MasterKey = Convert.ToBase64String(key), MasterKeyPath = path }));
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("c2VjcmV0LXZhbHVl")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TryLoadOfMalformedConfigThrowsNamingKeyNotValue(string value)
    {
        CryptoOptions options = new() { MasterKey = value };

        MasterKeyException ex = Assert.Throws<MasterKeyException>(() => MasterKeySource.TryLoad(options));

        Assert.Contains("Crypto:MasterKey", ex.Message);
        Assert.DoesNotContain(value, ex.Message);
    }

    [Fact]
    public void LoadedKeyBuildsMatchingRing()
    {
        string path = Path.Combine(_folder, "master.key");
        byte[] created = MasterKeySource.CreateFile(path);
        using KeyRing original = KeyRing.FromMasterKey(created);

        using KeyRing reloaded = KeyRing.FromMasterKey(MasterKeySource.TryLoad(new CryptoOptions { MasterKeyPath = path })!);

        Assert.True(reloaded.Matches(original.KeyCheckValue));
    }

    private string WriteFile(byte[] content)
    {
        Directory.CreateDirectory(_folder);
        string path = Path.Combine(_folder, "master.key");
        File.WriteAllBytes(path, content);
        return path;
    }
}
