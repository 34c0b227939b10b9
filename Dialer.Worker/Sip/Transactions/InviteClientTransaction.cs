using System.Net;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Transactions;

/// <summary>RFC 3261 §17.1.1 (with the RFC 6026 Accepted state): timers A, B, D, M.</summary>
public sealed class InviteClientTransaction(SipRequest request, SipChannel channel, IPEndPoint remote, TimeProvider time, IClientTransactionUser user)
    : SipClientTransaction(request, channel, remote, time, user)
{
    private TimeSpan intervalA = SipTimers.TimerA;
    private ITimer? timerA;
    private byte[]? ack;

    protected override bool TimesOutIn(SipTransactionState state) => state == SipTransactionState.Calling;

    public override void Start()
    {
        bool sent;
        lock (Gate)
        {
            State = SipTransactionState.Calling;
            sent = Send(RequestBytes);
            if (!Reliable)
            {
                timerA = Schedule(RetransmitA, intervalA);
            }

            Schedule(TimedOut, SipTimers.TimerB);
        }

        if (!sent)
        {
            TransportFailed();
        }
    }

    private void RetransmitA()
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Calling)
            {
                return;
            }

            Send(RequestBytes);
            intervalA = SipTimers.Doubled(intervalA);
            timerA?.Change(intervalA, Timeout.InfiniteTimeSpan);
        }
    }

    internal override void ReceiveResponse(SipResponse response)
    {
        var deliver = false;
        lock (Gate)
        {
            switch (State)
            {
                case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsProvisional:
                    State = SipTransactionState.Proceeding;
                    timerA?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    deliver = true;
                    break;
                case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsSuccess:
                    State = SipTransactionState.Accepted;
                    timerA?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    TerminateAfter(SipTimers.TransactionTimeout); // timer M
                    deliver = true;
                    break;
                case SipTransactionState.Accepted when response.IsSuccess:
                    deliver = true; // 2xx retransmission: the TU re-sends its ACK
                    break;
                case SipTransactionState.Calling or SipTransactionState.Proceeding:
                    State = SipTransactionState.Completed;
                    timerA?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    ack = BuildAck(response).ToBytes();
                    Send(ack);
                    TerminateAfter(Reliable ? TimeSpan.Zero : SipTimers.TimerD);
                    deliver = true;
                    break;
                case SipTransactionState.Completed when !response.IsProvisional && !response.IsSuccess:
                    Send(ack!);
                    break;
            }
        }

        if (deliver)
        {
            User.OnResponse(this, response);
        }
    }

    /// <summary>The ACK for a non-2xx final response (RFC 3261 §17.1.1.3): same branch, To from the response.</summary>
    private SipRequest BuildAck(SipResponse response)
    {
        var ackRequest = new SipRequest(SipMethods.Ack, Request.Uri);
        foreach (var h in Request.Headers)
        {
            if (h.Name == SipHeaderNames.Via)
            {
                ackRequest.Headers.Add(h);
                break;
            }
        }

        foreach (var h in Request.Headers)
        {
            if (h.Name is SipHeaderNames.From or SipHeaderNames.CallId or SipHeaderNames.Route or SipHeaderNames.MaxForwards)
            {
                ackRequest.Headers.Add(h);
            }
        }

        ackRequest.Add(SipHeaderNames.To, response.Get(SipHeaderNames.To) ?? Request.Get(SipHeaderNames.To)!);
        ackRequest.Add(SipHeaderNames.CSeq, Request.CSeq.Number + " ACK");
        return ackRequest;
    }
}
