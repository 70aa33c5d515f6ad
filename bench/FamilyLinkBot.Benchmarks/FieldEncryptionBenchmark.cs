using BenchmarkDotNet.Attributes;
using FamilyLinkBot.Crypto;

namespace FamilyLinkBot.Benchmarks;

/// <summary>docs/DESIGN.md#10-performance-targets: encrypt + decrypt of one 200-byte field, target ≤ 5 µs.</summary>
[MemoryDiagnoser]
public class FieldEncryptionBenchmark
{
    private readonly byte[] _plaintext = new byte[200];
    private readonly FieldContext _context = new("cases", "alias", "0123456789abcdef0123456789abcdef");
    private KeyRing _ring = null!;
    private DataKey _key = null!;

    [GlobalSetup]
    public void Setup()
    {
        System.Security.Cryptography.RandomNumberGenerator.Fill(_plaintext);
        _ring = KeyRing.FromMasterKey(KeyRing.GenerateMasterKey());
        _key = DataKey.Create(_ring, "bench", out _);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _key.Dispose();
        _ring.Dispose();
    }

    [Benchmark]
    public byte[] EncryptThenDecrypt200Bytes() => _key.Decrypt(_key.Encrypt(_plaintext, _context), _context);
}
