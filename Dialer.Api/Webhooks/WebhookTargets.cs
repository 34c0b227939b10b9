using System.Net;
using System.Net.Sockets;

namespace Dialer.Api.Webhooks;

/// <summary>
/// Where webhooks may be sent (server-side request forgery): HTTPS unless Webhooks:AllowHttp, and only
/// to public addresses — loopback, unspecified, private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7),
/// link-local (169.254/16, fe80::/10), multicast and reserved addresses are refused, also when written as
/// IPv4-mapped, NAT64 or 6to4 IPv6 — unless the host is named in Webhooks:AllowedHosts. Checked at
/// registration (literal addresses and what the name resolves to then) and again at every delivery
/// in the connect callback, after resolution, so a name re-pointed later (DNS rebinding) cannot bypass it.
/// </summary>
public static class WebhookTargets
{
    /// <summary>Why the URL may not be sent to whatever its host resolves to (scheme, credentials), or null.</summary>
    public static string? RefuseScheme(string? url, WebhookOptions options)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "url must be an absolute http or https URL.";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !options.AllowHttp)
        {
            return "url must use https (Webhooks:AllowHttp is off).";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "url may not carry a user name or password.";
        }

        return null;
    }

    /// <summary>Why the URL may not be registered, or null when it may (no name resolution).</summary>
    public static string? RefuseUrl(string? url, WebhookOptions options)
    {
        if (RefuseScheme(url, options) is { } refused)
        {
            return refused;
        }

        var host = new Uri(url!).IdnHost;
        if (IsAllowedHost(host, options))
        {
            return null;
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return IsPublic(address) ? null : $"url points to a non-public address ({address}).";
        }

        var name = host.TrimEnd('.').ToLowerInvariant();
        return name == "localhost" || name.EndsWith(".localhost", StringComparison.Ordinal) || !name.Contains('.')
            ? $"url must name a public host, not {host}."
            : null;
    }

    /// <summary>Why the URL's host may not be sent to now that it is resolved, or null when it may.</summary>
    public static async Task<string?> RefuseResolvedAsync(string url, WebhookOptions options, CancellationToken ct)
    {
        if (RefuseUrl(url, options) is { } refused)
        {
            return refused;
        }

        var host = new Uri(url).IdnHost;
        if (IsAllowedHost(host, options) || IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException)
        {
            // Not resolvable now: delivery checks again when it connects.
            return null;
        }

        return addresses.FirstOrDefault(a => !IsPublic(a)) is { } bad ? $"url's host {host} resolves to a non-public address ({bad})." : null;
    }

    /// <summary>Whether an administrator named this host (or address) in Webhooks:AllowedHosts.</summary>
    public static bool IsAllowedHost(string host, WebhookOptions options)
    {
        var bare = host.Trim('[', ']').TrimEnd('.');
        return options.AllowedHosts.Any(h => string.Equals(h.Trim('[', ']').TrimEnd('.'), bare, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The handler's connect step: resolves the host, refuses it when any address is not public (unless the
    /// host is allowed), then connects to the checked addresses only.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, WebhookOptions options, CancellationToken ct)
    {
        var endPoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, ct);
        if (!IsAllowedHost(endPoint.Host, options) && addresses.FirstOrDefault(a => !IsPublic(a)) is { } bad)
        {
            throw new HttpRequestException($"refused: {endPoint.Host} resolves to a non-public address ({bad})");
        }

        if (addresses.Length == 0)
        {
            throw new HttpRequestException($"{endPoint.Host} has no address");
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new HttpRequestException($"could not connect to {endPoint.Host}", last);
    }

    /// <summary>Whether an address is a public unicast one (IPv4-mapped, NAT64 and 6to4 forms judged by their IPv4 address).</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0                                   // 0.0.0.0/8 "this network"
                || b[0] == 10                                    // 10/8 private
                || b[0] == 127                                   // loopback
                || (b[0] == 100 && (b[1] & 0xC0) == 64)          // 100.64/10 shared (carrier NAT)
                || (b[0] == 169 && b[1] == 254)                  // link-local, cloud metadata
                || (b[0] == 172 && (b[1] & 0xF0) == 16)          // 172.16/12 private
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)       // 192.0.0/24 protocol assignments
                || (b[0] == 192 && b[1] == 168)                  // 192.168/16 private
                || (b[0] == 198 && (b[1] & 0xFE) == 18)          // 198.18/15 benchmarking
                || b[0] >= 224);                                 // multicast, reserved, broadcast
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var v6 = address.GetAddressBytes();
        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xFF && v6[3] == 0x9B && v6.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublic(new IPAddress(v6.AsSpan(12, 4)));   // 64:ff9b::/96 NAT64
        }

        if (v6[0] == 0x20 && v6[1] == 0x02)
        {
            return IsPublic(new IPAddress(v6.AsSpan(2, 4)));    // 2002::/16 6to4
        }

        return !(v6.AsSpan(0, 15).IndexOfAnyExcept((byte)0) < 0  // :: and ::1 (and IPv4-compatible ::a.b.c.d below)
            || v6.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0    // ::/96 deprecated IPv4-compatible
            || (v6[0] & 0xFE) == 0xFC                            // fc00::/7 unique local
            || (v6[0] == 0xFE && (v6[1] & 0xC0) == 0x80)         // fe80::/10 link-local
            || (v6[0] == 0xFE && (v6[1] & 0xC0) == 0xC0)         // fec0::/10 site-local (deprecated)
            || v6[0] == 0xFF                                     // multicast
            || (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0D && v6[3] == 0xB8)); // 2001:db8::/32 documentation
    }
}
