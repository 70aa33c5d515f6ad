namespace FamilyLinkBot.Crypto;

// Configuration section "Crypto" (SPEC §3, §9).
public sealed class CryptoOptions
{
    // Where the master key file lives; ignored when MasterKey is set.
    public string MasterKeyPath { get; set; } = "data/master.key";

    // Base64 of the 32-byte master key, for deployments that inject it through the environment.
    public string? MasterKey { get; set; }
}
