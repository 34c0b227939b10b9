using Dialer.Worker.Sip.Messages;

namespace Dialer.Worker.Sip.Calls;

/// <summary>What a <see cref="SipClientCall"/> reports; callbacks arrive on the stack's receive loop or timer threads.</summary>
public interface ISipCallEvents
{
    /// <summary>A 180 or 183 (with or without SDP for early media).</summary>
    void OnProgress(SipClientCall call, SipResponse response);

    void OnAnswered(SipClientCall call, SipResponse response);

    /// <summary>A re-INVITE or UPDATE brought a new remote SDP.</summary>
    void OnRemoteSdp(SipClientCall call, string sdp);

    void OnEnded(SipClientCall call, SipCallEnd end);
}
