using System.Net;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Transactions;

/// <summary>RFC 3261 §17.1.2: timers E, F, K.</summary>
public sealed class NonInviteClientTransaction(SipRequest request, SipChannel channel, IPEndPoint remote, TimeProvider time, IClientTransactionUser user)
    : SipClientTransaction(request, channel, remote, time, user)
{
    private TimeSpan intervalE = SipTimers.TimerE;
    private ITimer? timerE;

    protected override bool TimesOutIn(SipTransactionState state) =>
        state is SipTransactionState.Trying or SipTransactionState.Proceeding;

    public override void Start()
    {
        bool sent;
        lock (Gate)
        {
            State = SipTransactionState.Trying;
            sent = Send(RequestBytes);
            if (!Reliable)
            {
                timerE = Schedule(RetransmitE, intervalE);
            }

            Schedule(TimedOut, SipTimers.TimerF);
        }

        if (!sent)
        {
            TransportFailed();
        }
    }

    private void RetransmitE()
    {
        lock (Gate)
        {
            if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
            {
                return;
            }

            Send(RequestBytes);
            intervalE = State == SipTransactionState.Trying ? SipTimers.Doubled(intervalE, SipTimers.T2) : SipTimers.T2;
            timerE?.Change(intervalE, Timeout.InfiniteTimeSpan);
        }
    }

    internal override void ReceiveResponse(SipResponse response)
    {
        var deliver = false;
        lock (Gate)
        {
            if (State is SipTransactionState.Trying or SipTransactionState.Proceeding)
            {
                deliver = true;
                if (response.IsProvisional)
                {
                    State = SipTransactionState.Proceeding;
                }
                else
                {
                    State = SipTransactionState.Completed;
                    timerE?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    TerminateAfter(Reliable ? TimeSpan.Zero : SipTimers.TimerK);
                }
            }
        }

        if (deliver)
        {
            User.OnResponse(this, response);
        }
    }
}
