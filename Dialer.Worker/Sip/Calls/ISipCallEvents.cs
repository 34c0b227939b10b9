using Dialer.Worker.Sip.Messages;

namespace Dialer.Worker.Sip.Calls;

/// <summary>What a <see cref="SipClientCall"/> reports; callbacks arrive on the stack's receive loop or timer threads.</summary>
public interface ISipCallEvents
{
    /// <summary>A 180 or 183 (with or without SDP for early media).</summary>
    void OnProgress(SipClientCall call, SipResponse response);

    void OnAnswered(SipClientCall call, SipResponse response);

    /// <summary>The answer to an offer we made in a 2xx to an offerless re-INVITE (it came in the ACK).</summary>
    void OnRemoteSdp(SipClientCall call, string sdp);

    /// <summary>A re-INVITE or UPDATE brought a new offer: apply it and return our answer, or null to refuse it (488).</summary>
    string? OnRemoteOffer(SipClientCall call, string sdp);

    void OnEnded(SipClientCall call, SipCallEnd end);
}
