using System.Net;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Transactions;

/// <summary>RFC 3261 §17.2.2: Trying, Proceeding, Completed (timer J), Terminated.</summary>
public sealed class NonInviteServerTransaction(string key, SipRequest request, SipChannel channel, IPEndPoint remote, TimeProvider time)
    : SipServerTransaction(key, request, channel, remote, time)
{
    internal void Begin() => State = SipTransactionState.Trying;

    public override void Respond(SipResponse response)
    {
        lock (Gate)
        {
            if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
            {
                return;
            }

            LastResponse = response.ToBytes();
            Send(LastResponse);
            if (response.IsProvisional)
            {
                State = SipTransactionState.Proceeding;
                return;
            }

            State = SipTransactionState.Completed;
            TerminateAfter(Reliable ? TimeSpan.Zero : SipTimers.TimerJ);
        }
    }

    internal override void ReceiveRetransmission(SipRequest request)
    {
        lock (Gate)
        {
            if (State is SipTransactionState.Proceeding or SipTransactionState.Completed && LastResponse is not null)
            {
                Send(LastResponse);
            }
        }
    }
}
