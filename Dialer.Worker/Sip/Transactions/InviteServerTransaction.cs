using System.Net;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Transactions;

/// <summary>
/// RFC 3261 §17.2.1 with RFC 6026: Proceeding, Accepted (2xx re-sent on timer G until the ACK, timer L),
/// Completed (non-2xx re-sent on timer G, timer H), Confirmed (timer I), Terminated.
/// </summary>
public sealed class InviteServerTransaction(string key, SipRequest request, SipChannel channel, IPEndPoint remote, TimeProvider time)
    : SipServerTransaction(key, request, channel, remote, time)
{
    private TimeSpan intervalG = SipTimers.TimerG;
    private ITimer? timerG;

    /// <summary>Raised when the 2xx was never acknowledged (timer L) or a non-2xx never was (timer H).</summary>
    public Action<InviteServerTransaction>? AckTimedOut { get; set; }

    /// <summary>Raised on the ACK for a 2xx (RFC 6026 Accepted state).</summary>
    public Action<InviteServerTransaction, SipRequest>? AckReceived { get; set; }

    internal void Begin()
    {
        lock (Gate)
        {
            State = SipTransactionState.Proceeding;
            LastResponse = SipResponse.For(Request, 100).ToBytes();
            Send(LastResponse);
        }
    }

    public override void Respond(SipResponse response)
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Proceeding)
            {
                return;
            }

            LastResponse = response.ToBytes();
            Send(LastResponse);
            if (response.IsProvisional)
            {
                return;
            }

            State = response.IsSuccess ? SipTransactionState.Accepted : SipTransactionState.Completed;
            if (!Reliable || response.IsSuccess)
            {
                // 2xx is re-sent end to end by the UAS core until the ACK arrives even on TCP (RFC 3261 §13.3.1.4).
                timerG = Schedule(RetransmitG, intervalG);
            }

            Schedule(FinalTimeout, SipTimers.TimerH);
        }
    }

    private void RetransmitG()
    {
        lock (Gate)
        {
            if (State is not (SipTransactionState.Accepted or SipTransactionState.Completed))
            {
                return;
            }

            Send(LastResponse!);
            intervalG = SipTimers.Doubled(intervalG, SipTimers.T2);
            timerG?.Change(intervalG, Timeout.InfiniteTimeSpan);
        }
    }

    private void FinalTimeout()
    {
        bool unacknowledged;
        lock (Gate)
        {
            unacknowledged = State is SipTransactionState.Accepted or SipTransactionState.Completed;
            if (!TerminateLocked())
            {
                return;
            }
        }

        if (unacknowledged)
        {
            AckTimedOut?.Invoke(this);
        }

        Terminated?.Invoke(this);
    }

    internal override void ReceiveRetransmission(SipRequest request)
    {
        lock (Gate)
        {
            if (State is SipTransactionState.Proceeding or SipTransactionState.Completed or SipTransactionState.Accepted && LastResponse is not null)
            {
                Send(LastResponse);
            }
        }
    }

    /// <summary>An ACK matched to this transaction (by branch for non-2xx, by Call-ID and CSeq for 2xx).</summary>
    internal void ReceiveAck(SipRequest ack)
    {
        var accepted = false;
        lock (Gate)
        {
            if (State == SipTransactionState.Completed)
            {
                State = SipTransactionState.Confirmed;
                timerG?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                TerminateAfter(Reliable ? TimeSpan.Zero : SipTimers.TimerI);
            }
            else if (State == SipTransactionState.Accepted)
            {
                accepted = true;
                if (TerminateLocked())
                {
                    Terminated?.Invoke(this);
                }
            }
        }

        if (accepted)
        {
            AckReceived?.Invoke(this, ack);
        }
    }
}
