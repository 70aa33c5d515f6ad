namespace FamilyLinkBot.Crypto;

// The master key is missing, malformed or would be overwritten (docs/DESIGN.md#3-cryptography). Messages
// name the configuration key or file path, never the key material.
public sealed class MasterKeyException : Exception
{
    public MasterKeyException()
    {
    }

    public MasterKeyException(string message)
        : base(message)
    {
    }

    public MasterKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
