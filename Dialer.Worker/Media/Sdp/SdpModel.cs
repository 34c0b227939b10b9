using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dialer.Worker.Media;

/// <summary>An SDP attribute line: "a=name" or "a=name:value".</summary>
public sealed record SdpAttribute(string Name, string? Value = null)
{
    public override string ToString() => Value is null ? Name : $"{Name}:{Value}";
}

/// <summary>A line this model keeps but does not interpret (i=, u=, e=, p=, b=, r=, z=, k=, unknown types).</summary>
public sealed record SdpLine(char Type, string Value);

/// <summary>The o= line (RFC 4566 section 5.2).</summary>
public sealed record SdpOrigin(string Username, ulong SessionId, ulong SessionVersion, string NetType, string AddressType, string Address)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Username} {SessionId} {SessionVersion} {NetType} {AddressType} {Address}");
}

/// <summary>The c= line (RFC 4566 section 5.7): "IN IP4 192.0.2.1".</summary>
public sealed record SdpConnection(string NetType, string AddressType, string Address)
{
    /// <summary>The address without a multicast TTL or count, parsed; null when it is a host name or malformed.</summary>
    public IPAddress? IPAddress
    {
        get
        {
            var slash = Address.IndexOf('/');
            var text = slash < 0 ? Address : Address[..slash];
            return System.Net.IPAddress.TryParse(text, out var ip) ? ip : null;
        }
    }

    public static SdpConnection For(IPAddress address) =>
        new("IN", address.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4", address.ToString());

    public override string ToString() => $"{NetType} {AddressType} {Address}";
}
