namespace FamilyLinkBot.Crypto;

// Configuration section "Crypto" (docs/DESIGN.md#3-cryptography, docs/DESIGN.md#9-running-it).
public sealed class CryptoOptions
{
    public const string Section = "Crypto";

    // Where the master key file lives; ignored when MasterKey is set.
    public string MasterKeyPath { get; set; } = "data/master.key";

    // Base64 of the 32-byte master key, for deployments that inject it through the environment.
    public string? MasterKey { get; set; }
}
