using System.Net;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Transactions;

public abstract class SipServerTransaction(string key, SipRequest request, SipChannel channel, IPEndPoint remote, TimeProvider time)
    : SipTransaction(key, channel, remote, time)
{
    public SipRequest Request { get; } = request;

    /// <summary>The last response sent (provisional or final), re-sent on request retransmissions.</summary>
    protected byte[]? LastResponse { get; set; }

    /// <summary>Sends a response through the transaction (the TU's only way to answer).</summary>
    public abstract void Respond(SipResponse response);

    public void Respond(int code, string? reason = null, string? toTag = null) => Respond(SipResponse.For(Request, code, reason, toTag));

    internal abstract void ReceiveRetransmission(SipRequest request);

    public bool HasFinalResponse => State is not (SipTransactionState.Trying or SipTransactionState.Proceeding);
}
