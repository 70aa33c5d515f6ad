namespace FamilyLinkBot.Storage;

/// <summary>
/// The database moved to a new master key (rotate-key finished while the bot ran) that this bot cannot load: it refuses
/// to wrap anything under the retired key, which the operator is about to destroy, until restarted with the new one.
/// </summary>
public sealed class RetiredKeyException : InvalidOperationException
{
    public RetiredKeyException()
        : base("The master key was rotated and this bot still holds only the retired key. Restart it with Crypto:MasterKeyPath pointing at the new key file.")
    {
    }

    public RetiredKeyException(string message)
        : base(message)
    {
    }

    public RetiredKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
