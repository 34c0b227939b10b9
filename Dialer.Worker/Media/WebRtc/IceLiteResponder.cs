using System.Net;
using System.Text;

namespace Dialer.Worker.Media.WebRtc;

/// <summary>What <see cref="IceLiteResponder.Handle"/> did with a datagram.</summary>
public enum IceCheckOutcome
{
    /// <summary>Not a request for us, or malformed: dropped without a response.</summary>
    Dropped,

    /// <summary>A bad request: an error response (400 or 401) was produced.</summary>
    Rejected,

    /// <summary>A valid connectivity check: a success response was produced and the source may carry media.</summary>
    Checked,

    /// <summary>A valid check with USE-CANDIDATE: the controlling agent nominated this pair.</summary>
    Nominated,
}

/// <summary>
/// The lite side of ICE (RFC 8445 section 2.5 and 7.3): answers Binding requests whose USERNAME is
/// "our-ufrag:their-ufrag" and whose MESSAGE-INTEGRITY checks with our password, with a success response carrying
/// XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT. It never sends checks of its own. Requests without
/// USERNAME or MESSAGE-INTEGRITY get 400, a wrong username or integrity 401 (RFC 5389 section 10.1.2); anything
/// else that is not a well-formed request is dropped. Never throws on input.
/// </summary>
public sealed class IceLiteResponder(string localUfrag, string localPassword)
{
    public string LocalUfrag { get; } = localUfrag;

    public string LocalPassword { get; } = localPassword;

    /// <summary>The remote ufrag from the SDP; until known, any "our-ufrag:..." is taken.</summary>
    public string? RemoteUfrag { get; set; }

    /// <summary>Checks one datagram from <paramref name="source"/>; <paramref name="response"/> is what to send back, if anything.</summary>
    public IceCheckOutcome Handle(ReadOnlySpan<byte> datagram, IPEndPoint source, out byte[]? response)
    {
        ArgumentNullException.ThrowIfNull(source);
        response = null;
        if (!StunMessage.TryParse(datagram, out var request) || request.Type != StunMessage.BindingRequest)
        {
            return IceCheckOutcome.Dropped;
        }

        if (request.HasFingerprint && !request.VerifyFingerprint())
        {
            // A wrong FINGERPRINT means this is not STUN at all (RFC 8445 section 7.3): silently discarded.
            return IceCheckOutcome.Dropped;
        }

        var username = request.UsernameText;
        if (username is null || !request.HasIntegrity)
        {
            response = Error(request, 400, "Bad Request");
            return IceCheckOutcome.Rejected;
        }

        var colon = username.IndexOf(':', StringComparison.Ordinal);
        var ours = colon < 0 ? username : username[..colon];
        var theirs = colon < 0 ? null : username[(colon + 1)..];
        if (ours != LocalUfrag || (RemoteUfrag is { } expected && theirs != expected) || !request.VerifyIntegrity(LocalPassword))
        {
            response = Error(request, 401, "Unauthorized");
            return IceCheckOutcome.Rejected;
        }

        response = StunMessage.Build(
            StunMessage.BindingSuccess,
            request.TransactionId,
            [(StunMessage.XorMappedAddress, StunMessage.EncodeXorAddress(source, request.TransactionId))],
            LocalPassword,
            fingerprint: true);
        return request.Has(StunMessage.UseCandidate) ? IceCheckOutcome.Nominated : IceCheckOutcome.Checked;
    }

    private static byte[] Error(StunMessage request, int code, string reason)
    {
        var text = Encoding.UTF8.GetBytes(reason);
        var value = new byte[4 + text.Length];
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        text.CopyTo(value, 4);
        return StunMessage.Build(StunMessage.BindingError, request.TransactionId, [(StunMessage.ErrorCode, value)], null, fingerprint: true);
    }
}
