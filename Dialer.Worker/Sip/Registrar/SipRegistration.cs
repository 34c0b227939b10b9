using System.Net;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Registrar;

/// <summary>One phone's binding: the Contact to call, and the address and channel its REGISTER came from (NAT-safe next hop).</summary>
public sealed record SipRegistration(string User, string ContactUri, IPEndPoint Source, SipChannel Channel, DateTimeOffset ExpiresAt, string? UserAgent);
