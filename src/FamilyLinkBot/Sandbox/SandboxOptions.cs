namespace FamilyLinkBot.Sandbox;

/// <summary>The <c>Sandbox</c> configuration section (docs/DESIGN.md#11-sandbox), read from the sandbox's command line only.</summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>Where the web page listens; loopback addresses only. Port 0 picks a free one.</summary>
    public string ListenUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The sandbox's own data folder: database, key file and its state, never a real deployment's.</summary>
    public string DataFolder { get; set; } = Path.Combine("data", "sandbox");

    /// <summary>The loopback endpoint of <see cref="ListenUrl"/>, or an error naming the key.</summary>
    public (System.Net.IPAddress? Address, int Port, string? Error) ParseListenUrl()
    {
        if (!Uri.TryCreate(ListenUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            return (null, 0, "Sandbox:ListenUrl must look like http://127.0.0.1:5080.");
        }

        // The page can type as any of the three users: it must never be reachable from another machine.
        var address = uri.IsLoopback && uri.Host == "localhost" ? System.Net.IPAddress.Loopback
            : System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) && System.Net.IPAddress.IsLoopback(parsed) ? parsed
            : null;
        return address is null
            ? (null, 0, "Sandbox:ListenUrl must name a loopback address (127.0.0.1, [::1] or localhost); the sandbox is never served to the network.")
            : (address, uri.Port, null);
    }
}
