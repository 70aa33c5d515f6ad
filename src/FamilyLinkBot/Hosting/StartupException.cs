using System.Net.Sockets;

namespace FamilyLinkBot.Hosting;

/// <summary>A problem that stops the bot at start with a message meant for the operator (no secrets in it).</summary>
public sealed class StartupException : Exception
{
    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StartupException()
    {
    }

    /// <summary>The one line for an address another program holds (Kestrel wraps the socket error in IOExceptions).</summary>
    public static StartupException AddressInUse(string key, string address, Exception error) =>
        new($"{address} ({key}) is in use by another program. Stop that program or choose another port in {key}.", error);

    public static bool IsAddressInUse(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.GetType().Name == "AddressInUseException")
            {
                return true;
            }
        }

        return false;
    }
}
