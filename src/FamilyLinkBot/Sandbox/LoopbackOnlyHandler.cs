using System.Collections.Concurrent;
using System.Net;

namespace FamilyLinkBot.Sandbox;

/// <summary>
/// Added to every HttpClient of the sandboxed bot: a request to anything but a loopback address is refused
/// before it leaves the process, and every request's host is recorded, so a test can show that the sandbox
/// talks to 127.0.0.1 only (docs/DESIGN.md#11-sandbox: no bot token and no internet).
/// </summary>
public sealed class LoopbackOnlyHandler(ConcurrentQueue<string> hosts) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri;
        hosts.Enqueue(uri?.Host ?? "");
        if (uri is null || !IsLoopback(uri))
        {
            throw new HttpRequestException("The sandbox talks to 127.0.0.1 only; a request elsewhere was refused.");
        }

        return base.SendAsync(request, cancellationToken);
    }

    // Addresses, not names: "localhost" could be mapped elsewhere by a hosts file.
    private static bool IsLoopback(Uri uri) =>
        IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
}
