using System.Net;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Calls;

/// <summary>Where and as whom an outbound INVITE goes.</summary>
/// <param name="RequestUri">e.g. sip:+8613800000000@trunk.example.com</param>
/// <param name="FromUser">User part of From and Contact (the caller id).</param>
/// <param name="FromHost">Host part of From (the trunk domain).</param>
/// <param name="Channel">UDP or TCP channel to send on.</param>
/// <param name="Remote">Next hop (the trunk or the phone's registered address).</param>
/// <param name="Username">Digest user name for 401/407 challenges, or null.</param>
/// <param name="Password">Digest password.</param>
public sealed record SipCallTarget(
    string RequestUri,
    string FromUser,
    string FromHost,
    SipChannel Channel,
    IPEndPoint Remote,
    string? Username = null,
    string? Password = null,
    string? DisplayName = null);
