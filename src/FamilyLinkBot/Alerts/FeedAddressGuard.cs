using System.Net;
using System.Net.Sockets;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// Keeps the feed fetcher off the server's own network (SSRF): loopback, private, link-local, shared (CGNAT), multicast
/// and unspecified addresses are refused unless <c>News:AllowPrivateAddresses</c> is true (the sandbox sets it for its
/// own loopback feed). Checked when an admin adds a feed, and again at every connection the fetcher opens, after DNS and
/// on every redirect hop, so a public name that resolves or redirects inward is refused too.
/// </summary>
public static class FeedAddressGuard
{
    /// <summary>Whether the URL names an internal host outright (an address literal or a local-only name).</summary>
    public static bool NamesInternalHost(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var host = uri.IdnHost.Trim('[', ']').TrimEnd('.');
        if (IPAddress.TryParse(host, out var address))
        {
            return IsInternal(address);
        }

        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".local", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase)
            || !host.Contains('.', StringComparison.Ordinal);
    }

    public static bool IsInternal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes6 = address.GetAddressBytes();
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (bytes6[0] & 0xFE) == 0xFC; // unique local fc00::/7
        }

        var b = address.GetAddressBytes();
        return b[0] == 0 || b[0] == 10 || b[0] == 127
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)   // shared address space (CGNAT)
            || (b[0] == 169 && b[1] == 254)                 // link-local, cloud metadata
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 192 && b[1] == 0 && b[2] == 0)
            || (b[0] == 198 && (b[1] == 18 || b[1] == 19))  // benchmarking
            || b[0] >= 224;                                 // multicast, reserved, broadcast
    }

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host and connects only to allowed addresses.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowInternal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endPoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        var allowed = allowInternal ? addresses : [.. addresses.Where(a => !IsInternal(a))];
        if (allowed.Length == 0)
        {
            throw new HttpRequestException("The feed's address is on a private, loopback or link-local network; it is not fetched (News:AllowPrivateAddresses).");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
